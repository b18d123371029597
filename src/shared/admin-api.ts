/**
 * What the admin API answers (inside the envelope's `data`), as the control panel reads it.
 * The server builds these values; the panel only ever sees them through HTTP.
 */
import type { ReloadConfigResult } from './config-api.js';
import type { EndpointInfo, LoadError, ReloadResult } from './contract.js';

export interface RuntimeStatus {
  status: 'running';
  version: string;
  url?: string;
  startedAt: string;
  uptime: number;
  hotReload: boolean;
  debug: boolean;
  apisDir: string;
  configPath?: string;
  logFile?: string;
  generation: number;
  modules: number;
  endpoints: number;
  failedModules: LoadError[];
  workers: { min: number; max: number; memoryMb: number };
  memory: { rssMb: number };
}

export interface RegistryEndpoint extends EndpointInfo {
  /** The function's own time limit, when it sets one (else the config's `functionTimeoutMs`). */
  timeoutMs?: number;
  async: boolean;
}

export interface RegistryModule {
  module: string;
  file: string;
  /** Set when the latest save failed and this is the last good version serving. */
  lastLoadError?: LoadError;
  endpoints: RegistryEndpoint[];
}

export interface Registry {
  generation: number;
  modules: RegistryModule[];
  /** Modules that failed to load and have no earlier good version. */
  unavailable: LoadError[];
}

export interface EndpointMetrics {
  endpoint: string;
  count: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** How many recent calls the percentiles are over. */
  window: number;
  lastCall: string;
}

/** `app`: a function's own lines (`context().log`), with the request id of the call. */
export const LOG_KINDS = ['request', 'app', 'error', 'system', 'auth'] as const;
export type LogKind = (typeof LOG_KINDS)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** A log line as the admin API returns it: pino's fields plus a sequence number. */
export interface LogEntry {
  seq: number;
  time: number;
  /** pino's number: 30 info, 40 warn, 50 error. */
  level: number;
  kind?: LogKind;
  msg?: string;
  requestId?: string;
  method?: string;
  endpoint?: string;
  status?: number;
  durationMs?: number;
  [field: string]: unknown;
}

/** The filters of `GET /api/logs` and `/api/logs/stream`. */
export interface LogQuery {
  type?: LogKind;
  level?: LogLevelName;
  endpoint?: string;
  requestId?: string;
  status?: string;
  q?: string;
  since?: string;
  limit?: number;
}

export type TokenRole = 'business' | 'admin';

export interface TokenInfo {
  id: string;
  role: TokenRole;
  label: string;
  masked: string;
  created?: string;
  lastUsed?: string;
  /**
   * The running desktop app's own admin token: held in memory, never in the config file, gone
   * when the app quits; it cannot be revoked (DELETE answers 409 SESSION_TOKEN).
   */
  session?: boolean;
}

/** `POST /api/tokens`: the only answer that carries a token's value. */
export interface CreatedToken {
  id: string;
  label: string;
  role: TokenRole;
  created: string;
  token: string;
}

export type FileEntry =
  | { path: string; type: 'file'; size: number; modified: string; module?: string }
  | { path: string; type: 'dir'; children: FileEntry[] };

export interface FileContent {
  path: string;
  content: string;
  modified: string;
  /** A digest of the content: send it back as a save's `baseVersion`. */
  version: string;
}

/** A problem `POST /api/files/check` found, 1-based line and column. */
export interface Diagnostic {
  severity: 'error';
  line: number;
  column: number;
  message: string;
  /** `compile`: esbuild could not bundle it; `params`: an endpoint's parameters cannot be read. */
  source: 'compile' | 'params';
  /** The file the problem is in, relative to the APIs folder: the checked one or a helper it imports. */
  file: string;
}

export interface SavedFile {
  path: string;
  saved: true;
  /** The version now on disk. */
  version: string;
  reload: ReloadResult;
}

/** The events of `GET /api/events`, by name. */
export interface RuntimeEventMap {
  reloaded: ReloadResult;
  loadError: LoadError;
  configChanged: ReloadConfigResult;
  tokensChanged: { created?: string; revoked?: string };
}

export type { EndpointInfo, LoadError, ReloadConfigResult, ReloadResult };

/** A secret's name: what `secret('NAME')` and `process.env.NAME` read. */
export const SECRET_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
/** What is wrong with a secret's name, if anything: the server's and the panel's one rule. */
export const secretNameProblem = (name: string): string | undefined =>
  SECRET_NAME.test(name)
    ? undefined
    : 'a secret name is upper-case letters, digits and _, not starting with a digit (at most 128)';
/** The environment variables that feed secrets on a server: API_DEPLOY_SECRET_<NAME>. */
export const SECRET_ENV_PREFIX = 'API_DEPLOY_SECRET_';

/** `GET /api/secrets`: a secret as the admin API shows it, never its value. */
export interface SecretInfo {
  name: string;
  /** `file`: set through the admin API (the secrets file); `env`: an `API_DEPLOY_SECRET_*` variable. */
  source: 'file' | 'env';
  created?: string;
  updated?: string;
}
