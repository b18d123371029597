import type { EventEmitter } from 'node:events';
import type { ReloadConfigResult, SettingsState } from '../../shared/config-api.js';
import type { LoadError, ReloadResult } from '../../shared/contract.js';
import type { FailedAttempts } from '../auth/attempts.js';
import type { Metrics } from './metrics.js';
import type { PrometheusMetrics } from './prometheus.js';
import type { TokenStore } from '../auth/tokens.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logs/logger.js';
import type { LogSink } from '../logs/sink.js';
import type { Generation } from '../load/registry.js';
import type { HistoryStore } from '../workspace/history.js';
import type { SecretStore } from '../workspace/secrets.js';
import type { PackageManager } from '../workspace/packages.js';
import type { Tracer } from '../trace/tracer.js';

/** What one request reads: taken once per request, so a reload mid-request does not mix states. */
export interface RuntimeState {
  config: Config;
  tokens: TokenStore;
  generation: Generation;
}

export type { ReloadConfigResult };

export interface RuntimeEvents {
  /** A reload finished: a new registry generation serves. */
  reloaded: [ReloadResult];
  /** A module's latest version failed to build or load (it keeps serving its last good one, if any). */
  loadError: [LoadError];
  configChanged: [ReloadConfigResult];
  /** A token was created or revoked through the admin API (ids only, never values). */
  tokensChanged: [{ created?: string; revoked?: string }];
}

/** Where the runtime is in its life: loading its modules first, serving, or stopping. */
export type Lifecycle = 'starting' | 'serving' | 'stopping';

/** The runtime as the HTTP layer sees it. */
export interface RuntimeContext {
  readonly events: EventEmitter<RuntimeEvents>;
  readonly metrics: Metrics;
  /** The Prometheus metrics of `GET /metrics`. */
  readonly prometheus: PrometheusMetrics;
  lifecycle(): Lifecycle;
  /** Worker threads running a generation's modules (spares not counted); readiness reads it. */
  workersInService(): number;
  readonly attempts: FailedAttempts;
  /** Traces of business requests, when an OTLP endpoint is configured (else undefined). */
  tracer(): Tracer | undefined;
  /** The URL the server answers on, once listening. */
  url(): string | undefined;
  state(): RuntimeState;
  reload(): Promise<ReloadResult>;
  reloadConfig(): Promise<ReloadConfigResult>;
  /**
   * The config the runtime would run with if its config file held `raw`: flags and variables
   * applied, validated, and fit to serve where the server listens. Throws 422 INVALID_CONFIG
   * (details naming the key) otherwise; changes nothing.
   */
  previewConfig(raw: Record<string, unknown>): Config;
  /** A restart still to be made for a config change, and the keys flags and variables hold. */
  settingsState(): SettingsState;
  readonly startedAt: number;
  readonly logger: Logger;
  /** Where logs go; its ring buffer answers the admin API's log queries. */
  readonly logs: LogSink;
  readonly version: string;
  /** The workspace's secrets (open once the runtime has started). */
  secrets(): SecretStore;
  /** The workspace's npm packages. */
  packages(): PackageManager;
  /** The version history of the APIs folder's files (`.api-deploy/history/`). */
  readonly history: HistoryStore;
  /**
   * `text` without any secret value this process has known, for what the runtime itself answers
   * (error messages, the status page). Tokens are not taken out: a client may see its own.
   */
  withoutSecrets(text: string): string;
  /** The same for JSON text, replacing inside its strings only, so it stays valid JSON. */
  withoutSecretsInJson(json: string): string;
}
