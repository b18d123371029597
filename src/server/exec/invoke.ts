import { HttpError } from '../http/errors.js';
import type { Endpoint } from '../modules/registry.js';
import { isApiError } from '../public.js';

export interface InvokeOptions {
  timeoutMs: number;
  /** Debug mode: a failing function's message is sent to the caller (never its stack). */
  debug: boolean;
}

/** What a call failed with, kept for the log: the user's original error, with its stack. */
export class FunctionFailure extends HttpError {
  constructor(
    message: string,
    readonly original: unknown,
  ) {
    super('FUNCTION_ERROR', message);
  }
}

/**
 * Validates the body, calls the function, and returns its result as JSON text (`undefined`
 * becomes `null`). Failures are thrown as HttpErrors: VALIDATION_ERROR, FUNCTION_TIMEOUT,
 * FUNCTION_ERROR, or the status and code of an `ApiError` the function threw.
 */
export async function invoke(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  options: InvokeOptions,
): Promise<string> {
  const args = endpoint.parse(body);
  const timeoutMs = endpoint.timeoutMs ?? options.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError('FUNCTION_TIMEOUT', `${endpoint.info.path} did not finish within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  let result: unknown;
  try {
    result = await Promise.race([Promise.resolve().then(() => endpoint.fn(...args)), timeout]);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (isApiError(error)) throw new HttpError(error.code, error.message, undefined, error.status);
    const message = options.debug
      ? errorMessage(error)
      : 'The function failed; the server log has the details';
    throw new FunctionFailure(message, error);
  } finally {
    clearTimeout(timer);
  }
  return serialize(result, endpoint.info.path);
}

function serialize(value: unknown, path: string): string {
  if (value === undefined) return 'null';
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new FunctionFailure(`${path} returned a ${typeof value}, which cannot be sent as JSON`, undefined);
  }
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new FunctionFailure(
      `${path} returned a value that cannot be serialised as JSON: ${errorMessage(error)}`,
      error,
    );
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : `threw ${String(error)}`;
}
