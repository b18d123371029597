/**
 * The HTTP contract shared by the runtime and the control panel: error codes with their
 * statuses, and the envelope every business and admin response is wrapped in.
 * See ARCHITECTURE.md, "The HTTP contract".
 */

export const ERROR_STATUS = {
  MISSING_TOKEN: 401,
  INVALID_TOKEN: 401,
  MISSING_ADMIN_TOKEN: 401,
  INVALID_ADMIN_TOKEN: 403,
  TOO_MANY_ATTEMPTS: 429,
  ENDPOINT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 422,
  INVALID_CONFIG: 422,
  MODULE_UNAVAILABLE: 503,
  FUNCTION_ERROR: 500,
  FUNCTION_TIMEOUT: 504,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The seed's exact wording for the admin errors. */
export const ADMIN_TOKEN_REQUIRED = 'Admin token is required for this operation';
export const ADMIN_TOKEN_INVALID = 'Invalid admin token or insufficient permissions';

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
