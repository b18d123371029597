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
  /**
   * The shipped config's documented tokens still in force (`your-admin-token`,
   * `your-business-token`): anyone who read the README can use them.
   */
  documentedTokens: TokenRole[];
  /** The state replicas share, when the config names a Redis (absent for a single process). */
  sharedState?: SharedStateStatus;
  /** Cluster mode on one box (`cluster.processes` over 1): every runtime process, by number. */
  cluster?: { processes: ClusterProcessStatus[] };
}

/** One runtime process of a cluster on one box, as `/api/status` lists them. */
export interface ClusterProcessStatus {
  /** 1..N, kept by a replacement; process 1 compiles and watches the modules. */
  number: number;
  pid: number;
  /** The process that answered this request (its figures are of now). */
  answering: boolean;
  lifecycle: 'starting' | 'serving' | 'stopping';
  generation: number;
  modules: number;
  endpoints: number;
  failedModules: number;
  /** Requests it is answering. */
  inFlight: number;
  rssMb: number;
  /** Seconds since it started. */
  uptime: number;
  /** When its figures were taken: the other processes report every second. */
  reportedAt: string;
}

/** A replica's link to the Redis it shares tokens, attempts and reloads through. */
export interface SharedStateStatus {
  store: 'redis';
  /**
   * `connected`; `connecting` (not reached yet); `unreachable` (calls are served with the state
   * last loaded, changes are refused until it is back).
   */
  redis: 'connected' | 'connecting' | 'unreachable';
  /** Since when Redis is in that state. */
  since: string;
  /** When this replica last loaded the shared tokens; absent until it first has. */
  syncedAt?: string;
  /** This replica's id in the replicas' messages. */
  replica: string;
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
  /** A request line's: `panel` when the panel itself made the request (see PANEL_SOURCE). */
  source?: typeof PANEL_SOURCE;
  /** An error answer's code and message, on its request line (and an auth line's code). */
  code?: string;
  error?: string;
  [field: string]: unknown;
}

/**
 * The `source` of a request line the panel itself caused: its admin API calls (they carry
 * SOURCE_HEADER) and its own page and assets under `/panel`. The Logs view hides them unless asked.
 */
export const PANEL_SOURCE = 'panel';
/** Where the panel's page and assets are served. */
export const PANEL_PATH = '/panel';

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
  /** `hide`: leave out the panel's own request lines (`source: "panel"`); all are shown by default. */
  panel?: 'show' | 'hide';
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
  /** The npm package an import names and the workspace does not have (the fix: install it). */
  missingPackage?: string;
}

export interface SavedFile {
  path: string;
  saved: true;
  /** The version now on disk. */
  version: string;
  reload: ReloadResult;
  /** The id of the version the save added to the file's history (none when it was unchanged). */
  historyId?: string;
}

/**
 * Where a version in a file's history came from: the panel's editor, the files API, a change
 * on disk the watcher saw, or a restore of an earlier version.
 */
export const VERSION_SOURCES = ['panel', 'api', 'disk', 'restore'] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];
/**
 * The header every admin call of the panel carries: its saves' versions say `panel` (API
 * clients: `api`), and its request lines are marked as the panel's own (see PANEL_SOURCE).
 */
export const SOURCE_HEADER = 'x-api-deploy-source';

/** `GET /api/history/versions?path=`: a version of a file, without its text (newest first). */
export interface HistoryVersion {
  /** Unique in the file's history, and in the order versions were kept. */
  id: string;
  path: string;
  /** When it was kept (ISO 8601). */
  time: string;
  source: VersionSource;
  /** Its size in bytes. */
  size: number;
  /** The file's version (as the files API answers it) when it has this text. */
  version: string;
  /** The version a restore brought back. */
  restoredFrom?: string;
  /** The reload that followed: whether the file's module loaded, and the load error if not. */
  reload?: { ok: boolean; generation: number; error?: string };
}

/** `GET /api/history/versions/{id}?path=`: a version with its text. */
export interface HistoryVersionContent extends HistoryVersion {
  content: string;
}

/** `GET /api/history`: a file with a history, there or deleted since. */
export interface HistoryFile {
  path: string;
  versions: number;
  /** When its newest version was kept. */
  latest: string;
  deleted: boolean;
}

/** `POST /api/history/versions/{id}/restore`: the file written back, and its reload. */
export interface RestoredVersion {
  path: string;
  restored: string;
  /** The version now on disk. */
  version: string;
  /** The version the restore added to the history (none when the file already had this text). */
  historyId?: string;
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

/** `GET /api/packages`: a package of the workspace (its own package.json and node_modules). */
export interface PackageInfo {
  name: string;
  /** As package.json holds it: a range, a tag, or `file:` and a tarball. */
  wanted: string;
  /** The version in node_modules; absent when it is not installed (yet). */
  installed?: string;
}

/** An install or removal: queued, run by npm one at a time, its output kept and streamed. */
export interface PackageJob {
  id: string;
  action: 'install' | 'remove';
  name: string;
  wanted?: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  /** npm's output, line by line (the last lines, when there were many). */
  output: string[];
  /** Why it failed, in plain words. */
  error?: string;
  queuedAt: string;
  startedAt?: string;
  endedAt?: string;
  /** The reload that followed a change, as a summary. */
  reload?: { generation: number; endpoints: number; failed: number };
}

/** The events of `GET /api/packages/jobs/{id}/stream`. */
export interface PackageJobEventMap {
  output: { line: string };
  state: PackageJob;
}

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

/**
 * Which token a saved request is sent with: the panel's admin token, a business token the panel
 * knows (or one pasted for the run), or none. A kind, never a value: no token is ever saved.
 */
export const TOKEN_KINDS = ['admin', 'business', 'none'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];
/** A saved request's name is 1 to this many characters, unique in the workspace (ignoring case). */
export const SAVED_REQUEST_NAME_MAX = 80;
/** The most bytes a saved request's `body`, and its `expect`, take as JSON text. */
export const SAVED_REQUEST_JSON_MAX_BYTES = 64 * 1024;
/** The most saved requests a workspace keeps. */
export const SAVED_REQUESTS_MAX = 500;

/** `POST /api/requests` and `PUT /api/requests/{id}`: what a saved request is made of. */
export interface SavedRequestInput {
  name: string;
  /** `/module/function`. */
  endpoint: string;
  /** The parameters (the call's `body`), a JSON object; `{}` when left out. */
  body?: Record<string, unknown>;
  tokenKind: TokenKind;
  /**
   * What the answer's `data` must contain for a run to pass (besides a 2xx status): objects by
   * the keys given, arrays element by element and of the same length, other values equal.
   * Left out: the status alone decides.
   */
  expect?: unknown;
}

/** `GET /api/requests`: a saved request of the workspace (`.api-deploy/requests.json`). */
export interface SavedRequest extends Required<Omit<SavedRequestInput, 'expect'>> {
  id: string;
  expect?: unknown;
  created: string;
  updated: string;
}
