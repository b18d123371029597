/**
 * A fake of the runtime's HTTP API for the panel's tests: `fetch` answered by routes (method +
 * path), every call recorded with its headers and parsed body.
 */
import type { ErrorDetail } from '../../../src/shared/contract.js';

export interface ApiCall {
  method: string;
  /** The URL as the panel passed it. */
  url: string;
  origin: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The parsed JSON body, the text when it is not JSON, undefined when there is none. */
  body: unknown;
  signal?: AbortSignal;
}

export type Route = (call: ApiCall) => Response | Promise<Response>;

/** The success envelope, as the admin and business endpoints answer it. */
export function okReply(data: unknown, endpoint: string, status = 200): Response {
  return json({ success: true, data, endpoint }, status);
}

/** The error envelope. */
export function errorReply(
  status: number,
  code: string,
  error: string,
  { endpoint = '', details }: { endpoint?: string; details?: ErrorDetail[] } = {},
): Response {
  return json({ success: false, error, code, endpoint, ...(details ? { details } : {}) }, status);
}

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** An SSE answer that stays open, sending nothing, until the request is aborted. */
export function openStream(signal?: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = () => {
        try {
          controller.error(new DOMException('aborted', 'AbortError'));
        } catch {
          // already closed
        }
      };
      if (signal?.aborted) end();
      else signal?.addEventListener('abort', end, { once: true });
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/**
 * An SSE endpoint (`/api/events`) a test sends events down with `send`; each connection stays
 * open until its request is aborted.
 */
export class FakeEventStream {
  private readonly open = new Set<ReadableStreamDefaultController<Uint8Array>>();

  /** How many connections are open. */
  get connections(): number {
    return this.open.size;
  }

  readonly route: Route = (call) => {
    let stream!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (stream = controller) });
    this.open.add(stream);
    const end = () => {
      this.open.delete(stream);
      try {
        stream.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // already closed
      }
    };
    if (call.signal?.aborted) end();
    else call.signal?.addEventListener('abort', end, { once: true });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  /** Ends every open connection, as a server that stops does. */
  end(): void {
    for (const stream of this.open) stream.close();
    this.open.clear();
  }

  /** Sends an event to every open connection. */
  send(event: string, data: unknown): void {
    const chunk = new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    for (const stream of this.open) stream.enqueue(chunk);
  }
}

/** A promise settled from outside: for answers held back while a test looks at a pending state. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

export class FakeApi {
  readonly calls: ApiCall[] = [];
  /** Calls no route answered (answered 404 UNROUTED). */
  readonly unrouted: ApiCall[] = [];
  private readonly routes = new Map<string, Route>();

  constructor() {
    // The runtime's event stream, which every view under Layout follows.
    this.on('GET', '/api/events', (call) => openStream(call.signal));
  }

  /** Answers `method path` with the route's Response. */
  on(method: string, path: string, route: Route): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, route);
    return this;
  }

  /** Answers `method path` with a success envelope of `data` (or of what `data` returns for the call). */
  ok(method: string, path: string, data: unknown): this {
    return this.on(method, path, (call) =>
      okReply(typeof data === 'function' ? (data as (call: ApiCall) => unknown)(call) : data, path),
    );
  }

  /** Answers `method path` with an error envelope. */
  fail(
    method: string,
    path: string,
    status: number,
    code: string,
    error: string,
    details?: ErrorDetail[],
  ): this {
    return this.on(method, path, () => errorReply(status, code, error, { endpoint: path, details }));
  }

  /** The calls made to `method path`. */
  callsTo(method: string, path: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method.toUpperCase() && call.path === path);
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw, 'http://panel.test');
    const text = typeof init.body === 'string' ? init.body : undefined;
    let body: unknown = text;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
    }
    const call: ApiCall = {
      method: (init.method ?? 'GET').toUpperCase(),
      url: raw,
      origin: url.origin,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init.headers),
      body,
      signal: init.signal ?? undefined,
    };
    this.calls.push(call);
    if (call.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const route = this.routes.get(`${call.method} ${call.path}`);
    if (!route) {
      this.unrouted.push(call);
      return errorReply(404, 'UNROUTED', `No fake route for ${call.method} ${call.path}`, {
        endpoint: call.path,
      });
    }
    return route(call);
  };
}
