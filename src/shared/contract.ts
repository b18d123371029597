/**
 * The HTTP contract shared by the runtime and the control panel: error codes with their
 * statuses, and the envelope every business and admin response is wrapped in.
 * See ARCHITECTURE.md, "The HTTP contract".
 */

/** The seed's exact wording for the admin errors. */
export const ADMIN_TOKEN_REQUIRED = 'Admin token is required for this operation';
export const ADMIN_TOKEN_INVALID = 'Invalid admin token or insufficient permissions';

/**
 * First path segments the runtime keeps for its own routes (the admin API, the panel, the API
 * reference, the health probes): no module or folder of modules may take one of these names.
 */
export const RESERVED_MODULE_NAMES: readonly string[] = ['api', 'panel', 'docs', 'healthz', 'readyz'];

/**
 * `GET /readyz`'s answer (`GET /healthz` answers `{"status":"ok"}` while the process runs). A
 * ready replica may still warn of something that does not stop it serving (Redis unreachable).
 */
export type Readiness =
  { status: 'ready'; warnings?: string[] } | { status: 'not ready'; reasons: string[]; warnings?: string[] };

/**
 * The one catalogue of the errors the runtime answers with: each code's status and the message
 * it says when the place that throws it has nothing more precise to say. Nothing else defines a
 * code (a function's own `ApiError` aside: its code is the user's).
 */
export const ERRORS = {
  MISSING_TOKEN: { status: 401, message: 'A token is required' },
  INVALID_TOKEN: { status: 401, message: 'Invalid token' },
  MISSING_ADMIN_TOKEN: { status: 401, message: ADMIN_TOKEN_REQUIRED },
  INVALID_ADMIN_TOKEN: { status: 403, message: ADMIN_TOKEN_INVALID },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed token attempts from this address' },
  ENDPOINT_NOT_FOUND: { status: 404, message: 'No such endpoint' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not answered here' },
  BAD_REQUEST: { status: 400, message: 'The request is not valid HTTP' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request line and headers are larger than the limit' },
  VALIDATION_ERROR: { status: 422, message: 'Invalid parameters' },
  INVALID_CONFIG: { status: 422, message: 'Invalid config' },
  MODULE_UNAVAILABLE: { status: 503, message: 'The module failed to load' },
  FUNCTION_ERROR: { status: 500, message: 'The function failed; the server log has the details' },
  FUNCTION_TIMEOUT: { status: 504, message: 'The function did not finish within its time limit' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  // The admin API's own
  INVALID_PATH: { status: 400, message: 'The path is not a valid path in the APIs folder' },
  FILE_NOT_FOUND: { status: 404, message: 'No such file' },
  FILE_EXISTS: { status: 409, message: 'There is already a file at that path' },
  FILE_CHANGED: { status: 409, message: 'The file changed on disk since it was opened: nothing was saved' },
  TOKEN_NOT_FOUND: { status: 404, message: 'No such token' },
  SESSION_TOKEN: { status: 409, message: "This session's own admin token cannot be revoked" },
  LAST_ADMIN_TOKEN: {
    status: 409,
    message: 'This is the last admin token; create another before revoking it',
  },
  NO_CONFIG_FILE: { status: 409, message: 'The server runs without a config file' },
  SECRET_NOT_FOUND: { status: 404, message: 'No such secret' },
  SECRET_FROM_ENV: { status: 409, message: 'This secret is set by an API_DEPLOY_SECRET_ variable' },
  INVALID_PACKAGE: { status: 400, message: 'Not a package npm can install' },
  PACKAGE_NOT_FOUND: { status: 404, message: 'The workspace has no such package' },
  PACKAGE_JOB_NOT_FOUND: { status: 404, message: 'No such install or removal' },
  NPM_UNAVAILABLE: {
    status: 503,
    message: 'npm cannot be found: install Node.js with npm, or set API_DEPLOY_NPM_CLI',
  },
  VERSION_NOT_FOUND: { status: 404, message: 'No such version in the history of the file' },
  REQUEST_NOT_FOUND: { status: 404, message: 'No such saved request' },
  REQUEST_NAME_TAKEN: { status: 409, message: 'There is already a saved request with that name' },
  SHARED_STATE_UNAVAILABLE: {
    status: 503,
    message:
      'Redis, where the replicas share their state, is unreachable: changes are refused until it is back (calls are still served)',
  },
  REQUESTS_FILE_INVALID: {
    status: 409,
    message: 'The saved requests file cannot be read; fix or remove it (nothing was changed)',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Each code's status (ERRORS). */
export const ERROR_STATUS = Object.fromEntries(
  Object.entries(ERRORS).map(([code, { status }]) => [code, status]),
) as { readonly [Code in ErrorCode]: (typeof ERRORS)[Code]['status'] };

export interface ErrorDetail {
  /** Dotted path into the request's `body`, e.g. `items.0.name`; empty for the body itself. */
  path: string;
  message: string;
}

export interface SuccessEnvelope<T = unknown> {
  success: true;
  data: T;
  endpoint: string;
}

export interface ErrorEnvelope {
  success: false;
  error: string;
  code: ErrorCode | (string & {});
  endpoint: string;
  details?: ErrorDetail[];
}

export type Envelope<T = unknown> = SuccessEnvelope<T> | ErrorEnvelope;

/** Where a module failed: the file (relative to the APIs folder), 1-based line and column. */
export interface LoadError {
  module: string;
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** The npm package the module imports and the workspace does not have (install it to fix). */
  missingPackage?: string;
}

export interface EndpointInfo {
  path: string;
  module: string;
  function: string;
  description?: string;
  file: string;
  style: 'signature' | 'zod';
  params: Record<string, unknown>;
}

export interface ReloadResult {
  message: string;
  generation: number;
  modules: number;
  endpoints: number;
  failed: LoadError[];
  durationMs: number;
}

export interface StatusPage {
  status: 'running';
  name: 'api-deploy';
  version: string;
  uptime: number;
  hotReload: boolean;
  generation: number;
  endpoints: EndpointInfo[];
  failedModules: LoadError[];
}
