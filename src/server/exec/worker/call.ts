import { ERRORS } from '../../../shared/contract.js';
import { HttpError } from '../../core/errors.js';
import type { CallableEndpoint } from './describe.js';
import { isApiError } from '../../public.js';
import type { CallFailure, CallResult } from '../protocol.js';

/**
 * Runs one call inside a worker: validates the body, calls the function, and serialises its
 * result to JSON text (`undefined` becomes `null`). Failures come back as data; it throws only
 * what validation throws that is not an HttpError (a bug of ours). A function that returns
 * anything but a promise is answered at once, without one: most calls are of such functions,
 * and each promise costs the worker more under AsyncLocalStorage (context.ts).
 */
export function callEndpoint(
  endpoint: CallableEndpoint,
  body: Record<string, unknown>,
): CallResult | Promise<CallResult> {
  let args: unknown[];
  try {
    args = endpoint.parse(body);
  } catch (error) {
    if (error instanceof HttpError) return fail(failureOf(error));
    throw error;
  }
  let result: unknown;
  try {
    result = endpoint.fn(...args);
  } catch (error) {
    return fail(thrown(error));
  }
  const path = endpoint.info.path;
  if (!isThenable(result)) return serialize(result, path);
  return Promise.resolve(result).then(
    (value) => serialize(value, path),
    (error: unknown) => fail(thrown(error)),
  );
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

const fail = (failure: CallFailure): CallResult => ({ ok: false, failure });

function failureOf(error: HttpError): CallFailure {
  return {
    code: error.code,
    status: error.status,
    message: error.message,
    details: error.details,
    expose: true,
  };
}

/** What a function threw: an ApiError answers as it says; anything else is a FUNCTION_ERROR. */
export function thrown(error: unknown): CallFailure {
  if (isApiError(error))
    return { code: error.code, status: error.status, message: error.message, expose: true };
  return {
    code: 'FUNCTION_ERROR',
    status: ERRORS.FUNCTION_ERROR.status,
    message: errorMessage(error),
    expose: false,
    stack: error instanceof Error ? error.stack : undefined,
  };
}

function serialize(value: unknown, path: string): CallResult {
  if (value === undefined) return { ok: true, json: 'null' };
  if (typeof value === 'function' || typeof value === 'symbol') {
    return fail(thrown(new Error(`${path} returned a ${typeof value}, which cannot be sent as JSON`)));
  }
  try {
    return { ok: true, json: JSON.stringify(value) ?? 'null' };
  } catch (error) {
    return fail(
      thrown(new Error(`${path} returned a value that cannot be serialised as JSON: ${errorMessage(error)}`)),
    );
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : `threw ${String(error)}`;
}
