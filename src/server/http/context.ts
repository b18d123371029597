import type { EventEmitter } from 'node:events';
import type { ReloadConfigResult, SettingsState } from '../../shared/config-api.js';
import type { LoadError, ReloadResult } from '../../shared/contract.js';
import type { FailedAttempts } from '../auth/attempts.js';
import type { Metrics } from './metrics.js';
import type { PrometheusMetrics } from './prometheus.js';
import type { Role, TokenStore } from '../auth/tokens.js';
import type { SharedStateStatus } from '../../shared/admin-api.js';
import type { ClusterView } from '../cluster/view.js';
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

/** Where the admin API's token changes are made: the config file, or the replicas' Redis. */
export interface TokenWriter {
  add(entry: { token: string; label: string; created: string }, role: Role): Promise<void>;
  /** Revokes a token: 404 TOKEN_NOT_FOUND, or 409 LAST_ADMIN_TOKEN for the last admin token. */
  remove(id: string): Promise<void>;
}

/** The state replicas share through Redis, as the HTTP layer sees it. */
export interface SharedState {
  status(): SharedStateStatus;
  /** Why this replica is not ready to serve (it never loaded the shared tokens), if it is not. */
  notReadyReason(): string | undefined;
  /** What a replica serving anyway warns of (Redis unreachable), if anything. */
  warning(): string | undefined;
  /** 503 SHARED_STATE_UNAVAILABLE while a change could not reach the other replicas. */
  refuseChangesWhileDown(): void;
  readonly tokens: TokenWriter;
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
  /** The state shared with other replicas, when the config names a Redis. */
  readonly sharedState?: SharedState;
  /** The cluster's processes, when this is one of them (cluster mode on one box). */
  readonly cluster?: ClusterView;
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
