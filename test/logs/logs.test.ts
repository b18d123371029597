import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollingFile } from '../../src/server/logs/rolling-file.js';
import { ADMIN, BUSINESS, startServer, type Answer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/sse.js';

const DAY = 86_400_000;
/** Local time, as the file names are. */
const local = (day: number, hours = 12, minutes = 0, seconds = 0) =>
  new Date(2026, 10, day, hours, minutes, seconds).getTime();

/** Every temporary folder this file makes, for the final grep and the clean-up. */
const workspaces: string[] = [];
afterAll(async () => {
  for (const dir of workspaces) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-logs-'));
  workspaces.push(dir);
  return dir;
}

/** Waits until a file has exactly this content (a rolled-over stream ends on its own time). */
async function expectContent(file: string, content: string): Promise<void> {
  await waitFor(async () => {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    return text === content ? true : undefined;
  }).catch(async () => {
    expect(await readFile(file, 'utf8').catch(() => '(missing)'), file).toBe(content);
  });
}

/** A log line of exactly `bytes` bytes, newline included. */
function line(n: number, bytes = 100): string {
  const head = JSON.stringify({ n, pad: '' });
  return `${JSON.stringify({ n, pad: 'x'.repeat(bytes - head.length - 1) })}\n`;
}

describe('RollingFile on a fake clock', () => {
  it('"1 day": api_2026-11-24.log, then api_2026-11-25.log once the clock passes local midnight', async () => {
    const dir = await tempDir();
    let now = local(24, 23, 59, 58);
    const file = new RollingFile({
      template: path.join(dir, 'api_{date}.log'),
      rotation: '1 day',
      retention: '30 days',
      now: () => now,
    });
    file.write(line(1));
    now = local(24, 23, 59, 59);
    file.write(line(2));
    expect(file.file).toBe(path.join(dir, 'api_2026-11-24.log'));
    now = local(25, 0, 0, 0);
    file.write(line(3));
    expect(file.file).toBe(path.join(dir, 'api_2026-11-25.log'));
    now = local(25, 23, 0, 0);
    file.write(line(4));
    file.flushSync();
    await file.end();
    await expectContent(path.join(dir, 'api_2026-11-24.log'), line(1) + line(2));
    await expectContent(path.join(dir, 'api_2026-11-25.log'), line(3) + line(4));
    expect((await readdir(dir)).sort()).toEqual(['api_2026-11-24.log', 'api_2026-11-25.log']);
  });

  it('the day is the local one, not UTC', async () => {
    const saved = process.env.TZ;
    const dir = await tempDir();
    const template = path.join(dir, 'api_{date}.log');
    let names: string[];
    try {
      process.env.TZ = 'America/New_York';
      // 03:30 UTC on the 25th is 22:30 on the 24th in New York
      const file = new RollingFile({
        template,
        rotation: '1 day',
        retention: '30 days',
        now: () => Date.parse('2026-11-25T03:30:00Z'),
      });
      file.write(line(1));
      names = [path.basename(file.file)];
      process.env.TZ = 'Asia/Tokyo';
      // the same instant is 12:30 on the 25th in Tokyo
      const tokyo = new RollingFile({
        template,
        rotation: '1 day',
        retention: '30 days',
        now: () => Date.parse('2026-11-25T03:30:00Z'),
      });
      tokyo.write(line(2));
      names.push(path.basename(tokyo.file));
      await file.end();
      await tokyo.end();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(names).toEqual(['api_2026-11-24.log', 'api_2026-11-25.log']);
  });

  it('"1 hour": one file per hour, the hour in its name', async () => {
    const dir = await tempDir();
    let now = local(24, 10, 30);
    const file = new RollingFile({
      template: path.join(dir, 'api_{date}.log'),
      rotation: '1 hour',
      retention: '30 days',
      now: () => now,
    });
    file.write(line(1));
    now = local(24, 10, 59, 59);
    file.write(line(2));
    now = local(24, 11, 0, 0);
    file.write(line(3));
    now = local(25, 0, 5);
    file.write(line(4));
    file.flushSync();
    await file.end();
    await expectContent(path.join(dir, 'api_2026-11-24_10.log'), line(1) + line(2));
    await expectContent(path.join(dir, 'api_2026-11-24_11.log'), line(3));
    await expectContent(path.join(dir, 'api_2026-11-25_00.log'), line(4));
    expect(await readdir(dir)).toHaveLength(3);
  });

  it('a size ("1 KB"): full files roll to numbered ones, none over the size; a restart continues', async () => {
    const dir = await tempDir();
    const now = () => local(24, 9);
    const template = path.join(dir, 'api_{date}.log');
    const file = new RollingFile({ template, rotation: '1 KB', retention: '30 days', now });
    const lines = Array.from({ length: 10 }, (_, n) => line(n, 300));
    for (const text of lines) file.write(text);
    file.flushSync();
    await file.end();
    const expected: Record<string, string> = {
      'api_2026-11-24.log': lines.slice(0, 3).join(''),
      'api_2026-11-24.1.log': lines.slice(3, 6).join(''),
      'api_2026-11-24.2.log': lines.slice(6, 9).join(''),
      'api_2026-11-24.3.log': lines[9]!,
    };
    for (const [name, content] of Object.entries(expected))
      await expectContent(path.join(dir, name), content);
    expect((await readdir(dir)).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected))
      expect((await stat(path.join(dir, name))).size).toBeLessThanOrEqual(1024);

    // a restart the same day appends to the last numbered file, then rolls on from there
    const again = new RollingFile({ template, rotation: '1 KB', retention: '30 days', now });
    again.write(line(10, 300));
    expect(path.basename(again.file)).toBe('api_2026-11-24.3.log');
    again.write(line(11, 300));
    again.write(line(12, 300));
    expect(path.basename(again.file)).toBe('api_2026-11-24.4.log');
    again.flushSync();
    await again.end();
    await expectContent(path.join(dir, 'api_2026-11-24.3.log'), lines[9]! + line(10, 300) + line(11, 300));
    await expectContent(path.join(dir, 'api_2026-11-24.4.log'), line(12, 300));
  });

  it('retention "2 days" deletes this log\'s files older than the cutoff, and nothing else', async () => {
    const dir = await tempDir();
    let now = local(25, 12);
    const seconds = (time: number) => time / 1000;
    const files: Record<string, number> = {
      // this log's, old: deleted
      'api_2026-11-10.log': now - 15 * DAY,
      'api_2026-11-22.log': now - 3 * DAY,
      'api_2026-11-22.1.log': now - 2 * DAY - 60_000,
      'api_2026-11-10_05.log': now - 15 * DAY,
      // this log's, recent: kept
      'api_2026-11-23.log': now - 2 * DAY + 60_000,
      'api_2026-11-24.log': now - DAY,
      // not this log's, however old: kept
      'other_2026-11-10.log': now - 15 * DAY,
      'api_2026-11-10.log.bak': now - 15 * DAY,
      'api_notes.txt': now - 15 * DAY,
      'api_archive.log': now - 15 * DAY,
      'readme.md': now - 15 * DAY,
    };
    for (const [name, mtime] of Object.entries(files)) {
      await writeFile(path.join(dir, name), `${name}\n`);
      await utimes(path.join(dir, name), seconds(mtime), seconds(mtime));
    }
    const file = new RollingFile({
      template: path.join(dir, 'api_{date}.log'),
      rotation: '1 day',
      retention: '2 days',
      now: () => now,
    });
    file.write(line(1));
    file.flushSync();
    // the file being written is opened asynchronously
    await waitFor(() => (existsSync(path.join(dir, 'api_2026-11-25.log')) ? true : undefined));
    expect((await readdir(dir)).sort()).toEqual(
      [
        'api_2026-11-23.log',
        'api_2026-11-24.log',
        'api_2026-11-25.log',
        'other_2026-11-10.log',
        'api_2026-11-10.log.bak',
        'api_notes.txt',
        'api_archive.log',
        'readme.md',
      ].sort(),
    );
    // the kept files are untouched
    expect(await readFile(path.join(dir, 'api_2026-11-24.log'), 'utf8')).toBe('api_2026-11-24.log\n');

    // at the next roll, what has aged past the cutoff goes too
    now = local(26, 12);
    file.write(line(2));
    file.flushSync();
    await file.end();
    const left = await readdir(dir);
    expect(left).not.toContain('api_2026-11-23.log');
    expect(left).toContain('api_2026-11-24.log');
    expect(left).toContain('api_2026-11-26.log');
    expect(left).toContain('other_2026-11-10.log');
  });
});

// ---------------------------------------------------------------------------------------------
// Through a real server

const ECHO = `import { apiFunction } from 'api-deploy';

export const say = apiFunction((text: string, token?: string) => ({ echoed: text, twice: text + text, hasToken: token !== undefined }));

export const fail = apiFunction((): string => {
  throw new Error('kaboom in fail');
});
`;

const LABELLED = 'labelled-business-secret-4f1c2a';
const INNER_SECRET = 'inner-body-token-9d7e3b';
const WRONG = 'wrong-token-value-51aa0c';
/** Every token value these tests send; none may reach a log file. */
const secrets = new Set([BUSINESS, ADMIN, LABELLED, INNER_SECRET, WRONG]);
/** The fake log clock of the servers: their files are named after this day. */
const LOG_DAY = local(20, 12);
const servers: TestServer[] = [];

async function serve(config: Record<string, unknown>): Promise<TestServer> {
  const server = await startServer(
    { 'apis/echo.ts': ECHO },
    {
      workers: 1,
      maxWorkers: 2,
      maxFailedAuthPerMinute: 1000,
      validTokens: [BUSINESS, { token: LABELLED, label: 'biz label' }],
      ...config,
    },
    { now: () => LOG_DAY },
  );
  servers.push(server);
  workspaces.push(server.dir);
  return server;
}

const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((text) => text.length > 0)
    .map((text) => JSON.parse(text) as Record<string, unknown>);

const idOf = (answer: Answer) => answer.headers.get('x-request-id')!;

describe('log file of a real server: the four kinds, as NDJSON', () => {
  let server: TestServer;
  let entries: Record<string, unknown>[];
  let raw: string;
  const ids = {} as Record<
    'labelled' | 'inBody' | 'innerKnown' | 'failed' | 'wrong' | 'wrongBearer' | 'notAdmin' | 'reload',
    string
  >;
  let created: { id: string; token: string };
  const longText = `hello-${'y'.repeat(100)}`;

  beforeAll(async () => {
    server = await serve({
      debug: true,
      logging: { logRequestBody: true, logResponseData: true, logMaxBodySize: 60 },
    });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    ids.labelled = idOf(
      await server.post('/echo/say', { body: { token: INNER_SECRET, text: longText } }, bearer(LABELLED)),
    );
    ids.inBody = idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: 'short' } }));
    ids.innerKnown = idOf(
      await server.post('/echo/say', { body: { token: BUSINESS, text: 'x' } }, bearer(ADMIN)),
    );
    ids.failed = idOf(await server.post('/echo/fail', {}, bearer(BUSINESS)));
    ids.wrong = idOf(await server.post('/echo/say', { token: WRONG, body: { text: 'x' } }));
    ids.wrongBearer = idOf(await server.post('/echo/say', { body: { text: 'x' } }, bearer(WRONG)));
    ids.notAdmin = idOf(await server.get('/api/status', bearer(BUSINESS)));
    ids.reload = idOf(await server.post('/api/reload', {}, bearer(ADMIN)));
    const made = await server.post('/api/tokens', { label: 'made here', role: 'business' }, bearer(ADMIN));
    created = made.json.data;
    secrets.add(created.token);
    expect((await server.post('/echo/say', { token: created.token, body: { text: 'new' } })).status).toBe(
      200,
    );
    const revoke = await fetch(`${server.url}/api/tokens/${created.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(revoke.status).toBe(200);
    // the revoked value, sent again: refused, and still not logged
    expect((await server.post('/echo/say', { token: created.token, body: { text: 'gone' } })).status).toBe(
      401,
    );
    await server.post('/api/reload-config', { token: ADMIN });

    // the ring buffer, as the admin API answers it, has no token value either
    const ring = await server.get('/api/logs?limit=5000', bearer(ADMIN));
    for (const secret of secrets) expect(ring.text).not.toContain(secret);

    await server.runtime.stop(); // flushes the file
    const file = path.join(server.dir, 'logs', 'api_2026-11-20.log');
    raw = await readFile(file, 'utf8');
    entries = await readLines(file);
  });

  const request = (id: string) => entries.find((entry) => entry.kind === 'request' && entry.requestId === id);

  it('is NDJSON at logs/api_{date}.log, {date} expanded from the log clock', async () => {
    expect(await readdir(path.join(server.dir, 'logs'))).toEqual(['api_2026-11-20.log']);
    expect(raw.endsWith('\n')).toBe(true);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        time: expect.any(Number),
        level: expect.any(Number),
        msg: expect.any(String),
      });
      expect(['request', 'error', 'system', 'auth']).toContain(entry.kind);
    }
  });

  it('request: id (= x-request-id), method, endpoint, status, duration, client, token label', () => {
    const entry = request(ids.labelled);
    expect(entry).toMatchObject({
      kind: 'request',
      requestId: ids.labelled,
      method: 'POST',
      endpoint: '/echo/say',
      status: 200,
      durationMs: expect.any(Number),
      client: expect.stringMatching(/127\.0\.0\.1$/),
      tokenLabel: 'biz label',
    });
    expect(entry!.durationMs as number).toBeGreaterThanOrEqual(0);
    // a token without a label is named by a mask, never its value
    expect(request(ids.inBody)!.tokenLabel).toEqual(expect.any(String));
    expect(request(ids.inBody)!.tokenLabel).not.toBe(BUSINESS);
    expect(request(ids.failed)).toMatchObject({ status: 500, endpoint: '/echo/fail' });
    expect(request(ids.wrong)).toMatchObject({ status: 401 });
    expect(request(ids.wrong)!.tokenLabel).toBeUndefined();
    expect(request(ids.notAdmin)).toMatchObject({ method: 'GET', endpoint: '/api/status', status: 403 });
  });

  it('request body cut to logMaxBodySize, with a "token" inside it redacted', () => {
    const body = request(ids.labelled)!.body as string;
    expect(body).toMatch(/^.{60}… \(\d+ chars\)$/s);
    expect(body.startsWith('{"body":{"token":"[redacted]","text":"hello-yyy')).toBe(true);
    expect(request(ids.inBody)!.body).toBe('{"token":"[redacted]","body":{"text":"short"}}');
    expect(request(ids.innerKnown)!.body).toBe('{"body":{"token":"[redacted]","text":"x"}}');
  });

  it('response data (logResponseData), cut too', () => {
    const response = request(ids.labelled)!.response as string;
    expect(response).toMatch(/^.{60}… \(\d+ chars\)$/s);
    expect(response.startsWith(`{"echoed":"hello-yyy`)).toBe(true);
    expect(request(ids.inBody)!.response).toBe('{"echoed":"short","twice":"shortshort","hasToken":false}');
  });

  it('error: the function failure with its stack', () => {
    const error = entries.find((entry) => entry.kind === 'error' && entry.requestId === ids.failed);
    expect(error).toMatchObject({ endpoint: '/echo/fail', level: 50 });
    expect(String(error!.stack)).toContain('kaboom in fail');
    expect(String(error!.stack)).toMatch(/\n\s+at /);
  });

  it('system: start, reload results, config reload, stop', () => {
    const system = entries.filter((entry) => entry.kind === 'system');
    const events = system.map((entry) => entry.event);
    expect(events).toEqual(expect.arrayContaining(['reload', 'start', 'config-reload', 'stop']));
    expect(system.find((entry) => entry.event === 'start')).toMatchObject({ url: server.url });
    const reloads = system.filter((entry) => entry.event === 'reload');
    expect(reloads.length).toBeGreaterThanOrEqual(2);
    for (const reload of reloads) expect(reload).toMatchObject({ modules: 1, endpoints: 2, failed: [] });
    expect(events.indexOf('start')).toBeLessThan(events.indexOf('stop'));
  });

  it('auth: failures and admin actions', () => {
    const auth = entries.filter((entry) => entry.kind === 'auth');
    expect(auth).toContainEqual(
      expect.objectContaining({
        event: 'auth-failure',
        code: 'INVALID_TOKEN',
        requestId: ids.wrong,
        endpoint: '/echo/say',
      }),
    );
    expect(auth).toContainEqual(
      expect.objectContaining({ event: 'auth-failure', requestId: ids.wrongBearer }),
    );
    expect(auth).toContainEqual(
      expect.objectContaining({
        event: 'auth-failure',
        code: 'INVALID_ADMIN_TOKEN',
        requestId: ids.notAdmin,
      }),
    );
    const actions = auth.filter((entry) => entry.event === 'admin-action').map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'POST /api/reload',
        'POST /api/tokens',
        `DELETE /api/tokens/${created.id}`,
        'POST /api/reload-config',
      ]),
    );
    for (const entry of auth.filter((entry) => entry.event === 'admin-action')) {
      expect(entry.tokenLabel).toBe('test admin');
    }
    // reads are not admin actions
    expect(actions).not.toContain('GET /api/logs');
  });

  it('no token value in the file, nor an Authorization header', () => {
    for (const secret of secrets) expect(raw).not.toContain(secret);
    for (const entry of entries) {
      expect(entry).not.toHaveProperty('headers');
      expect(entry).not.toHaveProperty('authorization');
    }
  });
});

describe('logging options', () => {
  it('logRequestBody false, logResponseData false: neither is logged; a custom logFilePath', async () => {
    const server = await serve({
      logging: { logRequestBody: false, logResponseData: false, logFilePath: 'custom/app-{date}.ndjson' },
    });
    const id = idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: 'quiet' } }));
    await server.runtime.stop();
    const entries = await readLines(path.join(server.dir, 'custom', 'app-2026-11-20.ndjson'));
    const entry = entries.find((entry) => entry.requestId === id && entry.kind === 'request');
    expect(entry).toMatchObject({ status: 200, endpoint: '/echo/say' });
    expect(entry).not.toHaveProperty('body');
    expect(entry).not.toHaveProperty('response');
    expect(existsSync(path.join(server.dir, 'logs'))).toBe(false);
  });

  it('logToFile false: no file at all, while the admin API still has the entries', async () => {
    const server = await serve({ logging: { logToFile: false } });
    const id = idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: 'nowhere' } }));
    const answer = await server.get('/api/logs?type=request', { authorization: `Bearer ${ADMIN}` });
    expect(answer.json.data.entries.map((entry: { requestId: string }) => entry.requestId)).toContain(id);
    await server.runtime.stop();
    expect(existsSync(path.join(server.dir, 'logs'))).toBe(false);
    const names = await readdir(server.dir, { recursive: true });
    expect(names.filter((name) => /\.(log|ndjson)$/.test(name))).toEqual([]);
  });

  it('enableRequestLogging false: no request lines, the other kinds still', async () => {
    const server = await serve({ logging: { enableRequestLogging: false } });
    expect((await server.post('/echo/say', { token: BUSINESS, body: { text: 'unlogged' } })).status).toBe(
      200,
    );
    expect((await server.post('/echo/fail', { token: BUSINESS })).status).toBe(500);
    expect((await server.post('/echo/say', { token: WRONG })).status).toBe(401);
    const answer = await server.get('/api/logs?type=request', { authorization: `Bearer ${ADMIN}` });
    expect(answer.json.data.entries).toEqual([]);
    await server.runtime.stop();
    const entries = await readLines(path.join(server.dir, 'logs', 'api_2026-11-20.log'));
    expect(entries.filter((entry) => entry.kind === 'request')).toEqual([]);
    const kinds = new Set(entries.map((entry) => entry.kind));
    expect([...kinds].sort()).toEqual(['auth', 'error', 'system']);
  });
});

describe('rotation and retention through a server', () => {
  it('the log rolls when its clock passes midnight, and the roll deletes files past logRetention', async () => {
    let now = local(20, 23, 59);
    const server = await startServer(
      {
        'apis/echo.ts': ECHO,
        'logs/api_2026-10-01.log': '{"old":true}\n',
        'logs/api_2026-11-15.log': '{"recent":true}\n',
        'logs/keep-me.txt': 'not a log of ours\n',
      },
      { workers: 1, maxWorkers: 2, logging: { logRetention: '30 days' } },
      { now: () => now },
    );
    servers.push(server);
    workspaces.push(server.dir);
    const logs = path.join(server.dir, 'logs');
    const age = async (name: string, time: number) => utimes(path.join(logs, name), time / 1000, time / 1000);
    await age('api_2026-10-01.log', local(1, 12) - 30 * DAY); // early October: past the cutoff once the clock is on the 21st
    await age('api_2026-11-15.log', local(15, 12));
    await age('keep-me.txt', local(1, 12) - 300 * DAY);
    const before = idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: 'day 20' } }));
    now = local(21, 0, 1);
    const after = idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: 'day 21' } }));
    await server.runtime.stop();
    const names = (await readdir(logs)).sort();
    expect(names).toEqual(['api_2026-11-15.log', 'api_2026-11-20.log', 'api_2026-11-21.log', 'keep-me.txt']);
    const day20 = await readLines(path.join(logs, 'api_2026-11-20.log'));
    const day21 = await readLines(path.join(logs, 'api_2026-11-21.log'));
    expect(day20.map((entry) => entry.requestId)).toContain(before);
    expect(day20.map((entry) => entry.requestId)).not.toContain(after);
    expect(day21.map((entry) => entry.requestId)).toContain(after);
    expect(day21.map((entry) => entry.event)).toContain('stop');
  });

  it('a size rotation ("1 KB") writes numbered files, each line whole', async () => {
    const server = await serve({ logging: { logRotation: '1 KB' } });
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) {
      ids.push(idOf(await server.post('/echo/say', { token: BUSINESS, body: { text: `n${n}` } })));
    }
    await server.runtime.stop();
    const logs = path.join(server.dir, 'logs');
    const names = await readdir(logs);
    expect(names).toContain('api_2026-11-20.log');
    expect(names).toContain('api_2026-11-20.1.log');
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) expect(name).toMatch(/^api_2026-11-20(\.\d+)?\.log$/);
    const logged = new Set<unknown>();
    for (const name of names)
      for (const entry of await readLines(path.join(logs, name))) logged.add(entry.requestId);
    for (const id of ids) expect(logged.has(id)).toBe(true);
  });
});

describe('after the whole run', () => {
  it('no log file of any workspace holds a token value', async () => {
    for (const server of servers) await server.runtime.stop();
    let checked = 0;
    let bytes = 0;
    for (const dir of workspaces) {
      const names = (await readdir(dir, { recursive: true })).map(String);
      for (const name of names) {
        // the config file holds the tokens by design; apis/ is source
        if (name === 'api-deploy.config.json' || name.startsWith(`apis${path.sep}`) || name === 'apis')
          continue;
        const full = path.join(dir, name);
        if (!(await stat(full)).isFile()) continue;
        const text = await readFile(full, 'utf8');
        checked++;
        bytes += text.length;
        for (const secret of secrets) expect(text, `${full} holds a token value`).not.toContain(secret);
      }
    }
    // it did look at the servers' log files
    for (const server of servers.filter((server) => existsSync(path.join(server.dir, 'logs')))) {
      for (const name of await readdir(path.join(server.dir, 'logs'))) {
        expect((await stat(path.join(server.dir, 'logs', name))).size).toBeGreaterThan(0);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    expect(bytes).toBeGreaterThan(1000);
    expect(secrets.size).toBeGreaterThanOrEqual(6);
  });
});
