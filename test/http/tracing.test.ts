// Traces (issue 18): a caller's W3C traceparent is read, each business call gets a span (and one
// for its run in a worker) exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, the
// trace goes on to the services a function calls through context().fetch, and its id is in the
// request's log line. Off, nothing is exported and the caller's traceparent is passed on as is.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from '../../src/server/trace/trace-context.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

const MODULE = `import { apiFunction, context } from 'api-deploy';

export const double = apiFunction((n: number) => n * 2);
export const boom = apiFunction(() => {
  throw new Error('boom');
});
export const hop = apiFunction(async (url: string) => {
  const answer = await context().fetch(url);
  return { status: answer.status, traceparent: context().traceparent ?? null };
});
`;

/** An HTTP server that records what it is sent and answers 200. */
async function recorder(): Promise<{
  url: string;
  requests: { headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}> {
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** The spans of OTLP/HTTP JSON export requests. */
function spansOf(requests: { body: string }[]): OtlpSpan[] {
  return requests.flatMap(({ body }) =>
    (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap(
      (resource) => resource.scopeSpans.flatMap((scope) => scope.spans),
    ),
  );
}

const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value && Object.values(value)[0];
};

async function requestLine(server: TestServer, requestId: string): Promise<Record<string, unknown>> {
  const logs = await server.get(`/api/logs?requestId=${requestId}&type=request`, ADMIN_AUTH);
  const [line] = logs.json.data.entries as Record<string, unknown>[];
  return line!;
}

describe('traceparent', () => {
  it('reads a well-formed header and refuses what the recommendation refuses', () => {
    expect(parseTraceparent(TRACEPARENT)).toEqual({ traceId: TRACE_ID, spanId: CALLER_SPAN, flags: 1 });
    expect(parseTraceparent(`01-${TRACE_ID}-${CALLER_SPAN}-00-later-fields`)?.flags).toBe(0);
    for (const bad of [
      undefined,
      '',
      `00-${TRACE_ID}-${CALLER_SPAN}-01-extra`,
      `ff-${TRACE_ID}-${CALLER_SPAN}-01`,
      `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN}-01`,
      `00-${TRACE_ID}-${CALLER_SPAN}`,
      [TRACEPARENT, TRACEPARENT],
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: CALLER_SPAN, flags: 1 })).toBe(TRACEPARENT);
  });
});

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof recorder>>;
  let downstream: Awaited<ReturnType<typeof recorder>>;
  const ids: Record<string, string> = {};
  const lines: Record<string, Record<string, unknown>> = {};
  let hopAnswer: { status: number; traceparent: string };

  beforeAll(async () => {
    receiver = await recorder();
    downstream = await recorder();
    server = await startServer(
      { 'apis/t.ts': MODULE },
      {},
      {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_SERVICE_NAME: 'orders-api' },
      },
    );
    const calls = {
      double: await server.post(
        '/t/double',
        { token: BUSINESS, body: { n: 21 } },
        { traceparent: TRACEPARENT },
      ),
      boom: await server.post('/t/boom', { token: BUSINESS, body: {} }),
      hop: await server.post(
        '/t/hop',
        { token: BUSINESS, body: { url: downstream.url } },
        { traceparent: TRACEPARENT },
      ),
      unknown: await server.post('/t/nothing', { token: BUSINESS, body: {} }),
    };
    expect(calls.double.json.data).toBe(42);
    expect(calls.boom.status).toBe(500);
    expect(calls.unknown.status).toBe(404);
    hopAnswer = calls.hop.json.data;
    for (const [name, answer] of Object.entries(calls)) {
      ids[name] = answer.headers.get('x-request-id')!;
      lines[name] = await requestLine(server, ids[name]!);
    }
    // Stopping sends the spans still buffered.
    await server.stop();
  });

  afterAll(async () => {
    await receiver.close();
    await downstream.close();
  });

  const spans = () =>
    spansOf(receiver.requests.filter((request) => request.headers['content-type']?.includes('json')));
  const requestSpan = (requestId: string) => {
    const span = spans().find((candidate) => attribute(candidate, 'api_deploy.request_id') === requestId);
    expect(span, requestId).toBeDefined();
    return span!;
  };
  const callSpanUnder = (parent: OtlpSpan) => spans().find((span) => span.parentSpanId === parent.spanId);

  it('exports a server span per call, a child of the caller’s span, with a child for the worker', () => {
    expect(receiver.requests.every((request) => request.headers['content-type'] === 'application/json')).toBe(
      true,
    );
    const request = requestSpan(ids.double!);
    expect(request).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: CALLER_SPAN,
      name: 'POST /t/double',
      kind: 2,
    });
    expect(attribute(request, 'http.route')).toBe('/t/double');
    expect(Number(attribute(request, 'http.response.status_code'))).toBe(200);
    const call = callSpanUnder(request);
    expect(call).toMatchObject({ traceId: TRACE_ID, name: 'call /t/double', kind: 1 });
    const [{ resource }] = JSON.parse(receiver.requests[0]!.body).resourceSpans;
    expect(resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'orders-api' } });
  });

  it('starts a trace of its own without a traceparent, and marks a failed call as an error', () => {
    const request = requestSpan(ids.boom!);
    expect(request.parentSpanId ?? '').toBe('');
    expect(request.traceId).toMatch(/^[\da-f]{32}$/);
    expect(request.traceId).not.toBe(TRACE_ID);
    expect(request.status?.code).toBe(2);
    const call = callSpanUnder(request)!;
    expect(call.status?.code).toBe(2);
    expect(attribute(call, 'error.type')).toBe('FUNCTION_ERROR');
  });

  it('names a span of a path that is no endpoint by its method only', () => {
    const request = requestSpan(ids.unknown!);
    expect(request.name).toBe('POST');
    expect(attribute(request, 'http.route')).toBeUndefined();
    expect(callSpanUnder(request)).toBeUndefined();
  });

  it('passes the trace on through context().fetch, as a child of the call’s span', () => {
    const call = callSpanUnder(requestSpan(ids.hop!))!;
    const sent = downstream.requests[0]!.headers.traceparent;
    expect(sent).toBe(`00-${TRACE_ID}-${call.spanId}-01`);
    expect(hopAnswer).toEqual({ status: 200, traceparent: sent });
  });

  it('writes the trace id in each request log line', () => {
    expect(lines.double).toMatchObject({ kind: 'request', traceId: TRACE_ID });
    expect(lines.boom!.traceId).toBe(requestSpan(ids.boom!).traceId);
    expect(lines.unknown!.traceId).toBe(requestSpan(ids.unknown!).traceId);
  });
});

describe('tracing off', () => {
  let server: TestServer;
  let downstream: Awaited<ReturnType<typeof recorder>>;

  beforeAll(async () => {
    downstream = await recorder();
    server = await startServer({ 'apis/t.ts': MODULE }, {}, { env: {} });
  });

  afterAll(async () => {
    await server.stop();
    await downstream.close();
  });

  it('logs the caller’s trace id and passes its traceparent on unchanged', async () => {
    const hop = await server.post(
      '/t/hop',
      { token: BUSINESS, body: { url: downstream.url } },
      { traceparent: TRACEPARENT },
    );
    expect(hop.json.data).toEqual({ status: 200, traceparent: TRACEPARENT });
    expect(downstream.requests.at(-1)!.headers.traceparent).toBe(TRACEPARENT);
    expect(await requestLine(server, hop.headers.get('x-request-id')!)).toMatchObject({ traceId: TRACE_ID });
  });

  it('ignores a malformed traceparent: no trace id, nothing passed on', async () => {
    const hop = await server.post(
      '/t/hop',
      { token: BUSINESS, body: { url: downstream.url } },
      { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}` },
    );
    expect(hop.json.data).toEqual({ status: 200, traceparent: null });
    expect(downstream.requests.at(-1)!.headers.traceparent).toBeUndefined();
    expect(await requestLine(server, hop.headers.get('x-request-id')!)).not.toHaveProperty('traceId');
  });

  it('a plain call without a traceparent has no trace id in its line', async () => {
    const call = await server.post('/t/double', { token: BUSINESS, body: { n: 1 } });
    expect(await requestLine(server, call.headers.get('x-request-id')!)).not.toHaveProperty('traceId');
  });
});

describe('a bad OTLP endpoint', () => {
  it('stops start-up with a message naming the variable', async () => {
    await expect(
      startServer({ 'apis/t.ts': MODULE }, {}, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' } }),
    ).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: "not a url\/v1\/traces" is not an http\(s\) URL/);
  });
});
