import { ERRORS, type ErrorCode, type ErrorDetail } from '../../shared/contract.js';

/**
 * The one error type of the runtime. Anything that should answer with an error envelope throws
 * an `HttpError` with a code of the catalogue (ERRORS in src/shared/contract.ts), which gives its
 * status; `respondError` (http/respond.ts) is the only place that turns it into a response.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: ErrorDetail[];
  /** Headers the answer carries (Retry-After, say). */
  headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string = ERRORS[code].message, details?: ErrorDetail[]) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

/** 409 NO_CONFIG_FILE: the server runs on defaults, with no file to write a change to. */
export const noConfigFile = (purpose: string) =>
  new HttpError(
    'NO_CONFIG_FILE',
    `The server runs without a config file; start it with --config to ${purpose}`,
  );
