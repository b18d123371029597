// Requests an attacker sends, each a defect a hostile test found in the landed server (issue 13):
// every one must get an envelope at once (or a closed socket), and leave the server serving.
import { request } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, expectError, ok } from '../helpers/expect.js';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction((name: unknown = 'world') => ({ hello: name }));
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const LIGHT = { workers: 1, maxWorkers: 2 };

interface RawAnswer {
  status: number;
  text: string;
}

/**
 * A POST whose body is sent chunked (no Content-Length), `size` bytes in 16 KiB chunks. It
 * resolves with the answer, or with status 0 when the server closed the connection first.
 */
function postChunked(url: string, route: string, size: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: hostname, port, method: 'POST', path: route, headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', () => resolve({ status: 0, text: '' }));
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Sends the start of a body, then goes away without finishing it. */
function abortMidBody(url: string, route: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request({
      host: hostname,
      port,
      method: 'POST',
      path: route,
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    req.on('error', () => resolve());
    req.write('{"token": "');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 50);
  });
}

describe('a body over maxBodyBytes, sent chunked, aborted or declared', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, { ...LIGHT, maxBodyBytes: 4096 });
  });
  afterAll(() => server.stop());

  for (const route of ['/greet/hello', '/api/reload']) {
    it(`chunked to ${route}: 413 PAYLOAD_TOO_LARGE, and the server keeps serving`, async () => {
      for (let n = 0; n < 3; n++) {
        const answer = await postChunked(server.url, route, 1_100_000);
        // The answer comes before the body is done; a client still sending may see the close first.
        if (answer.status !== 0) {
          expect(answer.status).toBe(413);
          expect(JSON.parse(answer.text)).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
        }
      }
      expectData(await ok(server, '/greet/hello'), '/greet/hello', { hello: 'world' });
      expect((await server.get('/api/status', ADMIN_AUTH)).status).toBe(200);
    });
  }

  it('a client gone mid-body leaves the server serving, and is logged as nothing worse', async () => {
    for (let n = 0; n < 5; n++) await abortMidBody(server.url, '/greet/hello');
    await abortMidBody(server.url, '/api/tokens');
    expectData(await ok(server, '/greet/hello'), '/greet/hello', { hello: 'world' });
  });

  it('logs the refused request with its client address', async () => {
    await postChunked(server.url, '/greet/hello', 100_000);
    await expect
      .poll(async () => {
        const logs = await server.get('/api/logs?type=request&status=413', ADMIN_AUTH);
        return logs.json.data.entries as { status: number; client?: string }[];
      })
      .toContainEqual(expect.objectContaining({ status: 413, client: expect.stringContaining('127.0.0.1') }));
  });
});

describe('deeply nested JSON', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, { ...LIGHT, maxJsonDepth: 64 });
  });
  afterAll(() => server.stop());

  const deep = (levels: number) =>
    `{"token":"${BUSINESS}","body":{"name":${'['.repeat(levels)}${']'.repeat(levels)}}}`;

  it('is refused 400 INVALID_JSON at once, while a normal call beside six of them is answered', async () => {
    const deepOnes = Array.from({ length: 6 }, () => server.post('/greet/hello', deep(100_000)));
    const normal = ok(server, '/greet/hello', { name: 'x' });
    for (const answer of await Promise.all(deepOnes)) {
      expectError(answer, '/greet/hello', 400, 'INVALID_JSON');
      expect(answer.json.error).toMatch(/deeper than the limit of 64 levels/);
    }
    expectData(await normal, '/greet/hello', { hello: 'x' });
  });

  it('the limit counts the request as level 1: 62 levels of parameters pass, 63 do not', async () => {
    const nested = (levels: number) =>
      `{"token":"${BUSINESS}","body":{"name":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
    const passing = await server.post('/greet/hello', nested(62));
    expect(passing.status).toBe(200);
    expectError(await server.post('/greet/hello', nested(63)), '/greet/hello', 400, 'INVALID_JSON');
  });

  it('brackets inside strings do not count', async () => {
    const answer = await ok(server, '/greet/hello', { name: '['.repeat(10_000) + '"{' });
    expectData(answer, '/greet/hello', { hello: '['.repeat(10_000) + '"{' });
  });

  it('on the admin API too', async () => {
    const answer = await server.request(
      'PUT',
      '/api/config',
      `{"config":{"corsOrigins":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      ADMIN_AUTH,
    );
    expectError(answer, '/api/config', 400, 'INVALID_JSON');
  });
});

describe('file names the file system refuses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, LIGHT);
  });
  afterAll(() => server.stop());

  const put = (name: string) =>
    server.request('PUT', `/api/files/${name}`, { content: 'export const x = 1;\n' }, ADMIN_AUTH);

  it('a 300-character name: 400 INVALID_PATH, and no server path in the answer', async () => {
    const name = `${'a'.repeat(300)}.ts`;
    const answer = await put(name);
    expectError(answer, `/api/files/${name}`, 400, 'INVALID_PATH');
    expect(answer.text).not.toContain(server.dir);
    expect(answer.text).not.toContain('ENAMETOOLONG');
    // reading and deleting it answer the same
    expect((await server.get(`/api/files/${name}`, ADMIN_AUTH)).json.code).toBe('INVALID_PATH');
    expect((await server.request('DELETE', `/api/files/${name}`, undefined, ADMIN_AUTH)).json.code).toBe(
      'INVALID_PATH',
    );
  });

  it('a path of many folders, too long as a whole: 400 INVALID_PATH', async () => {
    const name = `${Array.from({ length: 40 }, () => 'f'.repeat(40)).join('/')}/x.ts`;
    expectError(await put(name), `/api/files/${name}`, 400, 'INVALID_PATH');
  });

  it('a name of 250 characters, within what file systems take, is saved', async () => {
    const name = `_${'b'.repeat(246)}.ts`;
    const answer = await put(name);
    expect(answer.status).toBe(200);
    expect(await readFile(path.join(server.dir, 'apis', name), 'utf8')).toBe('export const x = 1;\n');
  });

  it('a path through a file: 400 INVALID_PATH', async () => {
    const answer = await put('greet.ts/inside.ts');
    expectError(answer, '/api/files/greet.ts/inside.ts', 400, 'INVALID_PATH');
    expect(answer.text).not.toContain(server.dir);
  });
});

describe('a token value never reaches a log, even revoked, even written with escapes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      { 'apis/greet.ts': HELLO },
      { ...LIGHT, logging: { logRequestBody: true, logToFile: true, logMaxBodySize: 10_000 } },
    );
  });
  afterAll(() => server.stop());

  /** `value` as a JSON string literal with its first character escaped as \uXXXX. */
  const escaped = (value: string) =>
    `"\\u${value.charCodeAt(0).toString(16).padStart(4, '0')}${value.slice(1)}"`;

  it('after the token is revoked, in files and in /api/logs', async () => {
    const created = await server.post('/api/tokens', { label: 'soon revoked' }, ADMIN_AUTH);
    const { id, token } = created.json.data as { id: string; token: string };

    // the key written with an escape: JSON reads it as "token", and so must the redaction
    const escapedKey = await server.post('/greet/hello', `{"\\u0074oken":"${token}","body":{}}`);
    expect(escapedKey.status).toBe(200);
    // the value itself written with an escape, in a parameter
    const escapedValue = await server.post(
      '/greet/hello',
      `{"token":"${BUSINESS}","body":{"name":${escaped(token)}}}`,
    );
    expect(escapedValue.status).toBe(200);

    expect((await server.request('DELETE', `/api/tokens/${id}`, undefined, ADMIN_AUTH)).status).toBe(200);

    // once revoked: as a parameter, as the token (refused), with the key escaped
    await ok(server, '/greet/hello', { name: token });
    expect((await server.post('/greet/hello', { token })).status).toBe(401);
    expect((await server.post('/greet/hello', `{"\\u0074oken":"${token}"}`)).status).toBe(401);
    await server.post('/greet/hello', `{"token":"${BUSINESS}","body":{"name":${escaped(token)}}}`);
    await ok(server, '/greet/hello', { name: `before ${token} after` });

    const hidden = token.slice(1); // what an escaped first character leaves in plain sight
    await expect
      .poll(async () => {
        const logs = await server.get('/api/logs?limit=500', ADMIN_AUTH);
        return (logs.json.data.entries as { kind: string }[]).filter((entry) => entry.kind === 'request')
          .length;
      })
      .toBeGreaterThanOrEqual(8);
    const logs = await server.get('/api/logs?limit=500', ADMIN_AUTH);
    expect(logs.text).not.toContain(hidden);
    expect(logs.text).toContain('[redacted]');

    await server.runtime.stop();
    const dir = path.join(server.dir, 'logs');
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      expect(text).not.toContain(hidden);
      expect(text).toContain('POST /greet/hello 200');
    }
  });
});

describe('failed guesses from an address do not lock out a token beyond guessing', () => {
  let server: TestServer;
  let strongAdmin: string;
  let strongBusiness: string;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, { ...LIGHT, maxFailedAuthPerMinute: 3 });
    strongAdmin = (await server.post('/api/tokens', { label: 'admin', role: 'admin' }, ADMIN_AUTH)).json.data
      .token;
    strongBusiness = (await server.post('/api/tokens', { label: 'app' }, ADMIN_AUTH)).json.data.token;
    for (let n = 0; n < 5; n++) await server.post('/greet/hello', { token: `guess-${n}` });
  });
  afterAll(() => server.stop());

  it('the guesser, and any guessable token, get 429 TOO_MANY_ATTEMPTS', async () => {
    expect((await server.post('/greet/hello', { token: 'guess-again' })).json.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await server.post('/greet/hello', { token: BUSINESS })).json.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await server.get('/api/status', ADMIN_AUTH)).json.code).toBe('TOO_MANY_ATTEMPTS');
    // a guess shaped like a strong token gets 429 too: only a known one gets in
    const shaped = `adt_${'x'.repeat(20)}${'abcdefghijklmnopqrstuvw'}`;
    expect((await server.post('/greet/hello', { token: shaped })).json.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('the admin with a generated token keeps the admin API; a generated business token keeps calling', async () => {
    const status = await server.get('/api/status', { authorization: `Bearer ${strongAdmin}` });
    expect(status.status).toBe(200);
    const call = await server.post('/greet/hello', { token: strongBusiness });
    expectData(call, '/greet/hello', { hello: 'world' });
    // and the business token is still no admin's
    const refused = await server.get('/api/status', { authorization: `Bearer ${strongBusiness}` });
    expect(refused.json.code).toBe('INVALID_ADMIN_TOKEN');
  });
});
