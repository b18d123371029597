import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorEnvelope } from '../../shared/contract.js';
import { CallError } from '../exec/pool.js';
import type { RuntimeContext } from './context.js';
import { HttpError } from '../core/errors.js';
import { clientOf, endpointOf } from './request.js';
import { answerWritten, note, requestIdOfResponse, requestIdToWrite } from './request-log.js';

const AUTH_FAILURES = new Set([
  'MISSING_TOKEN',
  'INVALID_TOKEN',
  'MISSING_ADMIN_TOKEN',
  'INVALID_ADMIN_TOKEN',
  'TOO_MANY_ATTEMPTS',
]);

/**
 * Writes a success envelope around JSON text that is already serialised, so a function's result
 * is stringified once, not parsed and stringified again.
 */
export function sendData(res: ServerResponse, endpoint: string, dataJson: string, status = 200): void {
  writeJson(res, status, `{"success":true,"data":${dataJson},"endpoint":${JSON.stringify(endpoint)}}`);
}

export function sendValue(res: ServerResponse, endpoint: string, data: unknown): void {
  sendData(res, endpoint, JSON.stringify(data ?? null));
}

export function writeJson(res: ServerResponse, status: number, body: string): void {
  const requestId = requestIdToWrite(res);
  res.writeHead(
    status,
    requestId === undefined
      ? { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }
      : {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'x-request-id': requestId,
        },
  );
  res.end(body);
  answerWritten(res);
}

/**
 * The one place an error becomes a response: the error envelope with its status and code,
 * logged when it is the server's or the function's fault. Never a stack trace in the answer.
 */
export function respondError(
  runtime: RuntimeContext,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
): void {
  const endpoint = endpointOf(req);
  const { debug } = runtime.state().config;
  const httpError = toHttpError(error, debug);
  const requestId = requestIdOfResponse(res);
  if (error instanceof HttpError && AUTH_FAILURES.has(error.code)) {
    const client = clientOf(req);
    runtime.logger.warn(
      { kind: 'auth', event: 'auth-failure', code: error.code, endpoint, client, requestId },
      error.message,
    );
  } else if (error instanceof CallError && !error.failure.expose) {
    runtime.logger.error({ kind: 'error', requestId, endpoint, stack: error.failure.stack }, error.message);
  } else if (!(error instanceof HttpError)) {
    runtime.logger.error({ kind: 'error', requestId, endpoint, err: error }, 'internal error');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (httpError.headers)
    for (const [name, value] of Object.entries(httpError.headers)) res.setHeader(name, value);
  const envelope: ErrorEnvelope = {
    success: false,
    // A message may quote a secret (a function's error, a load error quoting source).
    error: runtime.withoutSecrets(httpError.message),
    code: httpError.code,
    endpoint,
  };
  if (httpError.details) envelope.details = httpError.details;
  // The request's log line says what went wrong, not only its status.
  note(res, { code: envelope.code, error: envelope.error });
  writeJson(res, httpError.status, JSON.stringify(envelope));
}

function toHttpError(error: unknown, debug: boolean): HttpError {
  // A function's own error message reaches the caller in debug mode only.
  if (error instanceof CallError && !error.failure.expose && !debug) {
    return new HttpError('FUNCTION_ERROR');
  }
  if (error instanceof HttpError) return error;
  // Express's own refusals (a URL it cannot decode, say) carry a 4xx status: the request's fault.
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError('BAD_REQUEST', error instanceof Error ? error.message : undefined);
  }
  // A system error's message names files by their absolute path: only its code is shown.
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.syscall
    ? (error as NodeJS.ErrnoException).code
    : undefined;
  const message =
    debug && error instanceof Error
      ? systemCode
        ? `Internal server error (${systemCode})`
        : error.message
      : undefined;
  return new HttpError('INTERNAL_ERROR', message);
}
