import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '../../shared/contract.js';

/**
 * The one error type of the runtime. Anything that should answer with an error envelope throws
 * an `HttpError`; the error handler in `app.ts` is the only place that turns it into a response.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: ErrorDetail[];
  /** Headers the answer carries (Retry-After, say). */
  headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]);
  constructor(code: string, message: string, details: ErrorDetail[] | undefined, status: number);
  constructor(code: string, message: string, details?: ErrorDetail[], status?: number) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = status ?? ERROR_STATUS[code as ErrorCode] ?? 500;
    this.details = details;
  }
}

/** 409 NO_CONFIG_FILE: the server runs on defaults, with no file to write a change to. */
export const noConfigFile = (purpose: string) =>
  new HttpError(
    'NO_CONFIG_FILE',
    `The server runs without a config file; start it with --config to ${purpose}`,
    undefined,
    409,
  );
