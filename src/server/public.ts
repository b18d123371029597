/**
 * What user modules get from `import { apiFunction, ApiError } from 'api-deploy'`.
 *
 * Kept free of runtime dependencies: the loader hands this very module to user code, and a
 * function is recognised by a registered symbol, so a second copy of this file (in a worker, in a
 * test) marks functions the runtime still recognises.
 */
import type { z } from 'zod';

export const API_FUNCTION = Symbol.for('api-deploy.apiFunction');
const API_ERROR = Symbol.for('api-deploy.ApiError');

export interface ApiFunctionOptions {
  /** A zod object describing the body; the parsed value is the function's single argument. */
  params?: z.ZodType;
  /** Time limit for one call, in milliseconds; overrides the config's `functionTimeoutMs`. */
  timeoutMs?: number;
}

export interface ApiFunctionMeta {
  fn: (...args: never[]) => unknown;
  options: ApiFunctionOptions;
}

export type ApiFunction<F> = F & { readonly [API_FUNCTION]: ApiFunctionMeta };

/* eslint-disable @typescript-eslint/no-explicit-any -- a user's function takes whatever it declares */
/**
 * Marks a function as an endpoint: `export const hello = apiFunction((name: string) => ...)`
 * answers `POST /{module}/hello`. Parameters are read from the signature, or given as a zod
 * object: `apiFunction({ params: z.object({...}) }, (p) => ...)`.
 */
export function apiFunction<F extends (...args: any[]) => unknown>(fn: F): ApiFunction<F>;
export function apiFunction<S extends z.ZodType, R>(
  options: ApiFunctionOptions & { params: S },
  fn: (params: z.output<S>) => R,
): ApiFunction<(params: z.input<S>) => R>;
export function apiFunction<F extends (...args: any[]) => unknown>(
  options: ApiFunctionOptions,
  fn: F,
): ApiFunction<F>;
export function apiFunction(
  optionsOrFn: ApiFunctionOptions | ((...args: any[]) => unknown),
  maybeFn?: (...args: any[]) => unknown,
): unknown {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
  const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  if (typeof fn !== 'function') {
    throw new TypeError('apiFunction(...) needs a function: apiFunction(fn) or apiFunction(options, fn)');
  }
  // A wrapper rather than the function itself, so one function can be exported twice with
  // different options. It stays callable from other modules and from tests.
  const wrapped = (...args: any[]) => fn(...args);
  Object.defineProperty(wrapped, API_FUNCTION, { value: { fn, options } satisfies ApiFunctionMeta });
  Object.defineProperty(wrapped, 'name', { value: fn.name || 'apiFunction' });
  return wrapped;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export function isApiFunction(value: unknown): value is ApiFunction<(...args: never[]) => unknown> {
  return typeof value === 'function' && API_FUNCTION in value;
}

/**
 * Throw this from an API function to answer with your own status and code, e.g.
 * `throw new ApiError('Out of stock', { status: 409, code: 'OUT_OF_STOCK' })`. Unlike other
 * errors its message is always sent, debug mode or not.
 */
export class ApiError extends Error {
  readonly [API_ERROR] = true;
  readonly status: number;
  readonly code: string;
  constructor(message: string, options: { status?: number; code?: string } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = options.status ?? 400;
    this.code = options.code ?? 'API_ERROR';
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof Error && API_ERROR in value;
}

/** Who called: the token's id and label (never its value) and its role. */
export interface Caller {
  tokenId: string;
  label: string;
  role: 'business' | 'admin';
}

/** A function's own log lines: into the runtime's log as `kind: "app"`, with the request's id. */
export interface AppLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The call being answered, as `context()` gives it. */
export interface RequestContext {
  /** The request's id: its `x-request-id`, and the id of its log lines. */
  readonly requestId: string;
  /** `/module/function`. */
  readonly endpoint: string;
  /** The request's headers, lower-cased, without `authorization`, `cookie` and `proxy-authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's address. */
  readonly client: string | undefined;
  readonly caller: Caller;
  /**
   * Aborted when the call passes its time limit or the client goes away: pass it on to `fetch`
   * and other work that can stop (`fetch(url, { signal: context().signal })`).
   */
  readonly signal: AbortSignal;
  /** When the call's time limit passes, in milliseconds since 1970. */
  readonly deadline: number;
  readonly log: AppLog;
  /**
   * The W3C `traceparent` of the call: the runtime's own span when tracing is on, else the one
   * the caller sent, if any. `fetch` below passes it on.
   */
  readonly traceparent: string | undefined;
  /**
   * `fetch` for calling other services from the call: it sends the call's `traceparent`, so their
   * spans join the caller's trace, and stops when the call does (`signal`), unless `init` sets
   * a header or a signal of its own.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** Where the worker that runs the call keeps its context (exec/worker/context.ts sets it). */
const CONTEXT_PROVIDER = Symbol.for('api-deploy.context');

/**
 * The call being answered: its request id, headers, caller, time limit and a log. Call it inside
 * an API function (or anything it starts, awaits included); outside a call it throws.
 */
export function context(): RequestContext {
  const provider = (globalThis as { [CONTEXT_PROVIDER]?: () => RequestContext | undefined })[
    CONTEXT_PROVIDER
  ];
  const current = provider?.();
  if (!current) {
    throw new Error(
      'context() is only available while an API function is answering a call (not at the top level of a module)',
    );
  }
  return current;
}

/** Where the worker keeps the workspace's secrets (exec/worker/secrets.ts sets it). */
const SECRETS_PROVIDER = Symbol.for('api-deploy.secrets');
const secretValues = (): Readonly<Record<string, string>> =>
  (globalThis as { [SECRETS_PROVIDER]?: () => Readonly<Record<string, string>> })[SECRETS_PROVIDER]?.() ?? {};

/**
 * A secret's value, set in the panel's Secrets view (or an `API_DEPLOY_SECRET_<NAME>` variable on
 * a server). Throws when there is no such secret. The latest value is read at each call.
 */
export function secret(name: string): string {
  const value = secretValues()[name];
  if (value === undefined) {
    throw new Error(
      `No secret named ${name}: add it in the control panel's Secrets view, or set API_DEPLOY_SECRET_${name} where the server starts`,
    );
  }
  return value;
}

/** The secrets by name, as `env.NAME` (undefined when there is no such secret). */
export const env: Readonly<Record<string, string | undefined>> = new Proxy(
  {},
  {
    get: (_target, name) => (typeof name === 'string' ? secretValues()[name] : undefined),
    has: (_target, name) => typeof name === 'string' && name in secretValues(),
    ownKeys: () => Object.keys(secretValues()),
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === 'string' && name in secretValues()
        ? { enumerable: true, configurable: true, value: secretValues()[name] }
        : undefined,
  },
);
