// A few hundred malformed requests from a seeded generator, sent byte for byte: whatever comes,
// the server never answers 500, answers the envelope (or closes the connection), logs no
// internal error, and serves normally after. The seed is printed on failure: set FUZZ_SEED to
// replay a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, ok } from '../helpers/expect.js';
import { sendRaw, type RawReply } from '../helpers/raw.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const MODULE = `import { apiFunction } from 'api-deploy';
import { z } from 'zod';
export const echo = apiFunction((text: string, count: number = 1, flags?: boolean[]) => ({ text, count, flags }));
export const typed = apiFunction({ params: z.object({ n: z.number().int(), tags: z.array(z.string()).max(5) }) }, ({ n, tags }) => n + tags.length);
`;
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const COUNT = 300;

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  return { next, int, pick, bytes };
}

type Random = ReturnType<typeof generator>;

const METHODS = [
  'POST',
  'POST',
  'POST',
  'GET',
  'PUT',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PATCH',
  'post',
  'P0ST',
  'TRACE',
];

function path(r: Random): string {
  return r.pick([
    () => '/m/echo',
    () => '/m/typed',
    () => '/m/echo/',
    () => '/m/nope',
    () => `/${'x/'.repeat(r.int(50))}y`,
    () => '/api/reload',
    () => '/api/reload-config',
    () =>
      `/api/files/${r.pick(['m.ts', '..%2f..%2fetc%2fpasswd', '%zz', 'a'.repeat(300) + '.ts', '%00.ts'])}`,
    () => '/api/tokens',
    () => '/api/config',
    () =>
      `/api/logs?${r.pick(['limit=-1', 'status=abc', 'q=' + 'q'.repeat(300), 'since=yesterday', 'type=x'])}`,
    () => '/m/echo?token=' + BUSINESS,
    () => `/${encodeURIComponent('é/日本')}/x`,
    () => `/%${r.int(10)}`,
    () => `/m/echo#${'f'.repeat(r.int(100))}`,
    () => '*',
    () => `http://evil.test/m/echo`,
  ])();
}

function jsonBody(r: Random): string {
  const token = r.pick([BUSINESS, ADMIN, 'wrong', '', 'x'.repeat(2000), undefined]);
  const params = r.pick<unknown>([
    { text: 'hi' },
    { text: 'hi', count: 'two' },
    { text: 1e308 * 10 },
    { text: 'a', extra: true },
    { __proto__: { text: 'x' } },
    { constructor: { prototype: { polluted: true } } },
    { text: '\u0000\ud800\u2028' },
    { n: 1.5, tags: ['a'] },
    { n: 3, tags: Array.from({ length: 10 }, () => 't') },
    [1, 2, 3],
    'just a string',
    null,
    Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
  ]);
  const request: Record<string, unknown> = { body: params };
  if (token !== undefined) request[r.pick(['token', 'Token', '\\u0074oken'])] = token;
  let text = JSON.stringify(request).replace('"\\\\u0074oken"', '"\\u0074oken"');
  switch (r.int(8)) {
    case 0:
      text = text.slice(0, r.int(text.length)); // cut short
      break;
    case 1:
      text = `{"token":"${BUSINESS}","body":{"text":${'['.repeat(1000 + r.int(100_000))}`;
      break;
    case 2:
      text = text.replace(/"/g, r.pick(["'", '', '“']));
      break;
    case 3:
      text = `${text}${r.pick(['garbage', '}}}', ',', '\u0000'])}`;
      break;
    default:
      break;
  }
  return text;
}

/** One malformed (or now and then well-formed) request, as bytes. */
function request(r: Random): Buffer {
  const method = r.pick(METHODS);
  const target = path(r);
  const version = r.pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra']);
  const body: Buffer =
    r.int(6) === 0 ? r.bytes(r.int(3000)) : Buffer.from(r.int(10) === 0 ? '' : jsonBody(r), 'utf8');
  const headers: string[] = ['Host: fuzz.test'];
  const framing = r.int(8);
  if (framing <= 3) headers.push(`Content-Length: ${body.length}`);
  else if (framing === 4)
    headers.push(`Content-Length: ${body.length + r.int(50)}`); // promises more
  else if (framing === 5)
    headers.push(`Content-Length: ${r.pick(['-1', 'abc', '1e3', '99999999999999999999'])}`);
  else if (framing === 6) headers.push('Transfer-Encoding: chunked');
  if (r.int(4) === 0)
    headers.push(`Content-Type: ${r.pick(['text/plain', 'application/json; charset=latin1', '\u00ff'])}`);
  if (r.int(5) === 0)
    headers.push(`Authorization: ${r.pick(['Bearer', 'Bearer ' + ADMIN, 'Basic xyz', 'Bearer \t'])}`);
  if (r.int(6) === 0) headers.push(`X-Request-Id: ${r.pick(['ok-1', 'x'.repeat(500), '../..', '\u00e9'])}`);
  if (r.int(8) === 0) headers.push(`X-Junk: ${r.bytes(20).toString('latin1')}`);
  if (r.int(10) === 0) headers.push(`X-Big: ${'b'.repeat(17_000)}`);
  headers.push('Connection: close');
  const head = Buffer.from(`${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1');
  const payload =
    framing === 6
      ? Buffer.concat([
          Buffer.from(`${body.length.toString(16)}\r\n`),
          body,
          Buffer.from(r.pick(['\r\n0\r\n\r\n', '\r\n', 'zz\r\n']) as string),
        ])
      : body;
  return Buffer.concat([head, payload]);
}

/** Whether a reply is acceptable: no 500, and the envelope where there is a body to judge. */
function problemOf(bytes: Buffer, reply: RawReply): string | undefined {
  if (reply.status === 0) return undefined; // closed without an answer
  if (reply.status >= 500) return `status ${reply.status}`;
  const first = bytes.toString('latin1').split(' ', 2);
  const method = first[0]!;
  const target = first[1] ?? '';
  // HEAD answers carry no body; the status page, OpenAPI and panel files are not envelopes.
  if (method === 'HEAD' || (method === 'GET' && /^\/(?:$|openapi\.json|panel)/.test(target)))
    return undefined;
  let envelope: { success?: unknown; code?: unknown; endpoint?: unknown };
  try {
    envelope = JSON.parse(reply.body);
  } catch {
    return `not JSON: ${reply.body.slice(0, 80)}`;
  }
  if (typeof envelope.success !== 'boolean' || typeof envelope.endpoint !== 'string') {
    return `not the envelope: ${reply.body.slice(0, 80)}`;
  }
  if (envelope.success === false && typeof envelope.code !== 'string') return 'an error without a code';
  return undefined;
}

describe(`fuzz: ${COUNT} malformed requests (seed ${SEED})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/m.ts': MODULE },
      {
        workers: 1,
        maxWorkers: 2,
        maxBodyBytes: 64 * 1024,
        headersTimeoutMs: 1000,
        requestTimeoutMs: 2000,
        maxFailedAuthPerMinute: 1000, // guesses are part of the mix; the lockout is tested elsewhere
      },
    );
  });
  afterAll(() => server.stop());

  it('never 500, always the envelope or a closed socket, no internal error, and the server serves on', async () => {
    const random = generator(SEED);
    const requests = Array.from({ length: COUNT }, () => request(random));
    const problems: string[] = [];
    for (let start = 0; start < requests.length; start += 20) {
      const batch = requests.slice(start, start + 20);
      const replies = await Promise.all(batch.map((bytes) => sendRaw(server.url, bytes, 5000)));
      replies.forEach((reply, index) => {
        const problem = problemOf(batch[index]!, reply);
        if (problem) {
          problems.push(
            `#${start + index}: ${problem} for ${batch[index]!.toString('latin1').slice(0, 120)}`,
          );
        }
      });
    }
    expect(problems, `seed ${SEED}`).toEqual([]);

    expectData(await ok(server, '/m/echo', { text: 'after' }), '/m/echo', { text: 'after', count: 1 });
    const logs = await server.get('/api/logs?type=error&limit=50', { authorization: `Bearer ${ADMIN}` });
    expect(logs.json.data.entries, 'internal errors logged').toEqual([]);
  }, 120_000);
});
