// GET /metrics (issue 18): the Prometheus text format, behind an admin token or the scrape
// token of API_DEPLOY_METRICS_TOKEN, counting what the runtime does; unknown paths share one
// series, so clients cannot grow the metrics.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
// @ts-expect-error -- the parser ships no types; what it returns is described below
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const SCRAPE = 'scrape-token-3f9a0c7e5d1b2a4c6e8f';
const MODULE = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction((name: string) => 'Hello, ' + name);
export const slow = apiFunction(() => { const end = Date.now() + 2000; while (Date.now() < end) {} return 1; }, );
`;

/** The value of a sample line (`name{labels} value`), or undefined. */
function sample(text: string, line: RegExp): number | undefined {
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/m.ts': MODULE, 'apis/broken.ts': 'export const x = ;' },
      { workers: 1, maxWorkers: 2, functionTimeoutMs: 300 },
      { env: { API_DEPLOY_METRICS_TOKEN: SCRAPE } },
    );
  });
  afterAll(() => server.stop());

  const scrape = (token = SCRAPE) => server.get('/metrics', { authorization: `Bearer ${token}` });

  it('needs the scrape token or an admin token, nothing else', async () => {
    expect((await server.get('/metrics')).status).toBe(401);
    expect((await scrape(BUSINESS)).status).toBe(403);
    expect((await scrape('wrong-token-wrong-token-wrong')).status).toBe(403);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect((await scrape(ADMIN)).status).toBe(200);
    // the scrape token opens nothing else
    expect((await server.get('/api/status', { authorization: `Bearer ${SCRAPE}` })).status).toBe(403);
  });

  it('counts requests by endpoint and status, with their latency, and unknown paths as one', async () => {
    for (let i = 0; i < 3; i++) await server.post('/m/hello', { token: BUSINESS, body: { name: 'Ada' } });
    await server.post('/m/hello', { token: BUSINESS, body: {} });
    for (let i = 0; i < 5; i++) await server.post(`/random/path${i}`, { token: BUSINESS });
    // a request is counted when its answer has been written, which may be after the client has it
    const unknown = /^api_deploy_requests_total\{endpoint="\(unknown\)",status="404"\}/;
    await expect.poll(async () => sample((await scrape()).text, unknown)).toBe(5);
    const text = (await scrape()).text;
    expect(sample(text, /^api_deploy_requests_total\{endpoint="\/m\/hello",status="200"\}/)).toBe(3);
    expect(sample(text, /^api_deploy_requests_total\{endpoint="\/m\/hello",status="422"\}/)).toBe(1);
    expect(sample(text, /^api_deploy_requests_total\{endpoint="\(unknown\)",status="404"\}/)).toBe(5);
    expect(text).not.toContain('/random/path');
    expect(sample(text, /^api_deploy_request_duration_seconds_count\{endpoint="\/m\/hello"\}/)).toBe(4);
    expect(
      sample(text, /^api_deploy_request_duration_seconds_bucket\{le="\+Inf",endpoint="\/m\/hello"\}/),
    ).toBe(4);
    // Buckets are cumulative: the widest bound holds every call; the sum is their seconds.
    expect(sample(text, /^api_deploy_request_duration_seconds_bucket\{le="30",endpoint="\/m\/hello"\}/)).toBe(
      4,
    );
    const fastest = sample(
      text,
      /^api_deploy_request_duration_seconds_bucket\{le="0.001",endpoint="\/m\/hello"\}/,
    );
    expect(fastest).toBeLessThanOrEqual(4);
    expect(sample(text, /^api_deploy_request_duration_seconds_sum\{endpoint="\/m\/hello"\}/)).toBeGreaterThan(
      0,
    );
  });

  it('is the Prometheus text format throughout: a parser reads every family, each with its type', async () => {
    await server.post('/m/hello', { token: BUSINESS, body: { name: 'Ada' } });
    interface Family {
      name: string;
      type: string;
      metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[];
    }
    const families = (parsePrometheusTextFormat as (text: string) => Family[])((await scrape()).text);
    const byName = new Map(families.map((family) => [family.name, family]));
    expect(byName.get('api_deploy_requests_total')?.type).toBe('COUNTER');
    expect(byName.get('api_deploy_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(byName.get('api_deploy_requests_in_flight')?.type).toBe('GAUGE');
    const hello = byName
      .get('api_deploy_requests_total')!
      .metrics.find((metric) => metric.labels?.endpoint === '/m/hello' && metric.labels.status === '200');
    expect(Number(hello?.value)).toBeGreaterThanOrEqual(1);
    // Every family the runtime defines was read (a malformed line would have stopped the parser).
    const ours = families.filter((family) => family.name.startsWith('api_deploy_'));
    expect(ours.map((family) => family.name).sort()).toEqual(
      [...(await scrape()).text.matchAll(/^# TYPE (api_deploy_\w+) /gm)].map((match) => match[1]).sort(),
    );
  });

  it('tells the modules, reloads, workers, timeouts and process', async () => {
    const before = sample((await scrape()).text, /^api_deploy_reloads_total /)!;
    await server.runtime.reload();
    const timedOut = await server.post('/m/slow', { token: BUSINESS });
    expect(timedOut.status).toBe(504);
    const text = (await scrape()).text;
    expect(sample(text, /^api_deploy_reloads_total /)).toBe(before + 1);
    expect(sample(text, /^api_deploy_module_load_failures_total /)).toBeGreaterThanOrEqual(1);
    expect(sample(text, /^api_deploy_modules_loaded /)).toBe(1);
    expect(sample(text, /^api_deploy_modules_failed /)).toBe(1);
    expect(sample(text, /^api_deploy_function_timeouts_total /)).toBe(1);
    // the worker stuck in the slow call is ended after the 504 is sent: counted once it has exited
    await expect
      .poll(async () => sample((await scrape()).text, /^api_deploy_workers_lost_total /))
      .toBeGreaterThanOrEqual(1);
    expect(sample(text, /^api_deploy_workers /)).toBeGreaterThanOrEqual(1);
    expect(sample(text, /^api_deploy_log_lines_dropped_total /)).toBe(0);
    expect(sample(text, /^api_deploy_requests_in_flight /)).toBeDefined();
    expect(sample(text, /^process_cpu_user_seconds_total /)).toBeGreaterThan(0);
    expect(text).toContain('# TYPE api_deploy_request_duration_seconds histogram');
  });
});

/** A port free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('metricsPort', () => {
  it('serves GET /metrics without a token on 127.0.0.1, nothing else, and closes with the server', async () => {
    const metricsPort = await freePort();
    const server = await startServer({ 'apis/m.ts': MODULE }, { metricsPort });
    const metrics = `http://127.0.0.1:${metricsPort}`;
    try {
      await server.post('/m/hello', { token: BUSINESS, body: { name: 'Ada' } });
      const hello = /^api_deploy_requests_total\{endpoint="\/m\/hello",status="200"\}/;
      await expect.poll(async () => sample(await (await fetch(`${metrics}/metrics`)).text(), hello)).toBe(1);
      const other = await fetch(`${metrics}/api/status?token=${ADMIN}`);
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ success: false, code: 'ENDPOINT_NOT_FOUND' });
      expect((await fetch(`${metrics}/metrics`, { method: 'POST' })).status).toBe(404);
      // the main port still wants a token
      expect((await server.get('/metrics')).status).toBe(401);
    } finally {
      await server.stop();
    }
    await expect(fetch(`${metrics}/metrics`)).rejects.toThrow();
  });

  it('a metricsPort in use stops start-up, naming the key', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(startServer({ 'apis/m.ts': MODULE }, { metricsPort: port })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use; stop the program using it, or choose another port with "metricsPort" in the config`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
