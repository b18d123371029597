/**
 * The request context of the call a piece of user code runs for (`context()` from
 * `api-deploy`), inside a worker. Each call runs in an AsyncLocalStorage store, so timers,
 * callbacks and awaits it starts see its context and not another call's; `context()` finds the
 * store through a registered symbol (public.ts), as public.ts has no imports of its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppLog, RequestContext } from '../../public.js';
import type { CallContext } from '../../load/served.js';
import type { AppLogMessage } from '../protocol.js';

export interface RunningCall {
  /** Fails the call with an error thrown outside its await chain. */
  fail(error: unknown): void;
  /** Absent when the endpoint's module does not name `context` (see RegisteredEndpoint). */
  context: RequestContext | undefined;
}

const running = new AsyncLocalStorage<RunningCall>();
(globalThis as Record<symbol, unknown>)[Symbol.for('api-deploy.context')] = () => running.getStore()?.context;

/** The call user code is running for, if any. */
export const currentCall = (): RunningCall | undefined => running.getStore();

/** Runs `work` as the call, in its own store. */
export const runAsCall = <T>(call: RunningCall, work: () => T): T => running.run(call, work);

/** The `context()` of a call: its request, a signal aborted by `abort` or its deadline, a log. */
export function callContext(
  sent: CallContext,
  abort: AbortController,
  send: (line: AppLogMessage) => void,
): RequestContext {
  const line =
    (level: AppLogMessage['level']) =>
    (message: string, fields?: Record<string, unknown>): void =>
      send({
        type: 'log',
        level,
        requestId: sent.requestId,
        endpoint: sent.endpoint,
        message: String(message),
        fields: plainFields(fields),
      });
  const log: AppLog = { info: line('info'), warn: line('warn'), error: line('error') };
  return Object.freeze({
    requestId: sent.requestId,
    endpoint: sent.endpoint,
    headers: Object.freeze(sent.headers),
    client: sent.client,
    caller: Object.freeze(sent.caller),
    signal: abort.signal,
    deadline: sent.deadline,
    log: Object.freeze(log),
    traceparent: sent.traceparent,
    fetch: (input: string | URL | Request, init?: RequestInit) =>
      tracedFetch(input, init, sent.traceparent, abort.signal),
  });
}

/** `fetch` with the call's trace and signal, unless the caller gave its own. */
function tracedFetch(
  input: string | URL | Request,
  init: RequestInit | undefined,
  traceparent: string | undefined,
  signal: AbortSignal,
): Promise<Response> {
  // A Request's own headers are kept: they are the default of `init.headers`.
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  if (traceparent && !headers.has('traceparent')) headers.set('traceparent', traceparent);
  return fetch(input, { ...init, headers, signal: init?.signal ?? signal });
}

/** Fields as JSON would carry them (a function, a cycle or a BigInt must not fail the log line). */
function plainFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (fields === undefined || fields === null || typeof fields !== 'object') return undefined;
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch (error) {
    return { fieldsError: `the fields could not be logged: ${(error as Error).message}` };
  }
}
