import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const HELLO = `import { apiFunction } from 'api-deploy';
export const hello = apiFunction(() => 'hi');
`;
const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };

/** Keys the admin API must keep exactly as they were when it rewrites the token lists. */
const CUSTOM = {
  functionTimeoutMs: 12_345,
  debug: false,
  maxBodyBytes: 65_536,
  workers: 1,
  maxWorkers: 2,
  maxFailedAuthPerMinute: 1000,
  corsOrigins: ['http://example.test'],
  logging: {
    logRequestBody: false,
    logResponseData: true,
    logMaxBodySize: 321,
    logFilePath: 'logs/custom_{date}.log',
    logRotation: '1 hour',
    logRetention: '7 days',
  },
};

describe('tokens: create → use → revoke → refused, persisted atomically', () => {
  let server: TestServer;
  let configPath: string;
  let original: Record<string, unknown>;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, CUSTOM);
    configPath = path.join(server.dir, 'api-deploy.config.json');
    original = JSON.parse(await readFile(configPath, 'utf8'));
  });
  afterAll(() => server.stop());

  /** The config file parses, and every key but the token lists is as it was, in the same order. */
  async function readConfig(): Promise<Record<string, unknown>> {
    const text = await readFile(configPath, 'utf8');
    const config = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(Object.keys(original));
    for (const [key, value] of Object.entries(original)) {
      if (key !== 'validTokens' && key !== 'adminTokens') expect(config[key], key).toEqual(value);
    }
    return config;
  }

  const list = async () => {
    const answer = await server.get('/api/tokens', ADMIN_AUTH);
    expect(answer.status).toBe(200);
    return { entries: answer.json.data.tokens as Record<string, unknown>[], text: answer.text };
  };
  const hello = (token: string) => server.post('/greet/hello', { token });
  const revoke = async (id: string) => {
    const response = await fetch(`${server.url}/api/tokens/${id}`, { method: 'DELETE', headers: ADMIN_AUTH });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the envelope, as in Answer
    return { status: response.status, text, json: JSON.parse(text) as any };
  };

  let business: { id: string; token: string; created: string };
  let admin: { id: string; token: string };

  it('creates a business token and answers its value once', async () => {
    const answer = await server.post('/api/tokens', { label: 'ci bot', role: 'business' }, ADMIN_AUTH);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, endpoint: '/api/tokens' });
    const data = answer.json.data;
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      label: 'ci bot',
      role: 'business',
      created: expect.any(String),
      token: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(data.created))).toBe(false);
    // strong: at least 32 random bytes, URL-safe
    expect(data.token).toMatch(/^[\w-]{43,}$/);
    business = data;

    const config = await readConfig();
    expect(config.validTokens).toEqual([
      BUSINESS,
      { token: data.token, label: 'ci bot', created: data.created },
    ]);
    expect(config.adminTokens).toEqual(original.adminTokens);
  });

  it('GET /api/tokens lists id, label, role, created, lastUsed and a mask, never a value', async () => {
    const { entries, text } = await list();
    for (const value of [business.token, BUSINESS, ADMIN]) expect(text).not.toContain(value);
    for (const entry of entries) {
      for (const key of Object.keys(entry)) {
        expect(['id', 'label', 'role', 'created', 'lastUsed', 'masked']).toContain(key);
      }
      expect(entry).not.toHaveProperty('token');
    }
    const mine = entries.find((entry) => entry.id === business.id);
    expect(mine).toMatchObject({ label: 'ci bot', role: 'business', created: business.created });
    expect(mine!.lastUsed).toBeUndefined();
    expect(typeof mine!.masked).toBe('string');
    expect(String(mine!.masked).length).toBeLessThan(business.token.length / 2);
    expect(entries.find((entry) => entry.label === 'test admin')).toMatchObject({ role: 'admin' });
  });

  it('the new token works on a business endpoint at once, and its last use is recorded', async () => {
    const before = Date.now();
    expect((await hello(business.token)).json).toEqual({
      success: true,
      data: 'hi',
      endpoint: '/greet/hello',
    });
    const bearer = await server.post('/greet/hello', {}, { authorization: `Bearer ${business.token}` });
    expect(bearer.status).toBe(200);
    const mine = (await list()).entries.find((entry) => entry.id === business.id)!;
    expect(Date.parse(String(mine.lastUsed))).toBeGreaterThanOrEqual(before - 1000);
    // a business token is no admin token
    expect((await server.post('/api/reload', { token: business.token })).status).toBe(403);
  });

  it('an admin-role token works on /api/reload', async () => {
    const answer = await server.post('/api/tokens', { label: 'second admin', role: 'admin' }, ADMIN_AUTH);
    expect(answer.status).toBe(200);
    expect(answer.json.data.role).toBe('admin');
    admin = answer.json.data;
    const reload = await server.post('/api/reload', { token: admin.token });
    expect(reload.status).toBe(200);
    expect(reload.json.data).toMatchObject({ modules: 1, endpoints: 1 });
    expect((await hello(admin.token)).status).toBe(200);

    const config = await readConfig();
    expect(config.adminTokens).toEqual([
      ...(original.adminTokens as unknown[]),
      { token: admin.token, label: 'second admin', created: answer.json.data.created },
    ]);
    expect(config.validTokens).toHaveLength(2);
  });

  it('revoking refuses the token at once (401 INVALID_TOKEN) and removes it from the file', async () => {
    const answer = await revoke(business.id);
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual({ revoked: business.id });
    const refused = await hello(business.token);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    expect(refused.text).not.toContain(business.token);
    const bearer = await server.post('/greet/hello', {}, { authorization: `Bearer ${business.token}` });
    expect(bearer.json.code).toBe('INVALID_TOKEN');

    const config = await readConfig();
    expect(config.validTokens).toEqual([BUSINESS]);
    expect(JSON.stringify(config)).not.toContain(business.token);
    expect((await list()).entries.map((entry) => entry.id)).not.toContain(business.id);
    // the others still work
    expect((await hello(BUSINESS)).status).toBe(200);
  });

  it('revoking an unknown id → 404, nothing changes', async () => {
    const before = await readFile(configPath, 'utf8');
    const answer = await revoke('000000000000');
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ success: false, endpoint: '/api/tokens/000000000000' });
    expect(await readFile(configPath, 'utf8')).toBe(before);
  });

  it('revoking the last admin token → 409, nothing changes', async () => {
    // revoke the second admin: allowed, one is left
    expect((await revoke(admin.id)).status).toBe(200);
    expect((await server.post('/api/reload', { token: admin.token })).status).toBe(403);
    const config = await readConfig();
    expect(config.adminTokens).toEqual(original.adminTokens);

    const before = await readFile(configPath, 'utf8');
    const last = (await list()).entries.find((entry) => entry.role === 'admin')!;
    const answer = await revoke(String(last.id));
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ success: false });
    expect(answer.text).not.toContain(ADMIN);
    expect(await readFile(configPath, 'utf8')).toBe(before);
    expect((await server.get('/api/status', ADMIN_AUTH)).status).toBe(200);
    expect((await list()).entries.filter((entry) => entry.role === 'admin')).toHaveLength(1);
  });

  it.each([
    ['no label', { role: 'business' }],
    ['an empty label', { label: '  ', role: 'business' }],
    ['a bad role', { label: 'x', role: 'root' }],
    ['an unknown key', { label: 'x', value: 'chosen-by-me' }],
    ['not an object', ['label']],
  ])('an invalid create body (%s) → 422 VALIDATION_ERROR, nothing changes', async (_name, body) => {
    const before = await readFile(configPath, 'utf8');
    const answer = await server.post('/api/tokens', body, ADMIN_AUTH);
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ success: false, code: 'VALIDATION_ERROR', endpoint: '/api/tokens' });
    expect(answer.json.details.length).toBeGreaterThan(0);
    expect(await readFile(configPath, 'utf8')).toBe(before);
  });

  it('the file written is the whole config, readable by a restart', async () => {
    const config = await readConfig();
    expect(config).toEqual(original);
    // no temporary files left beside it
    const names = await readdir(server.dir);
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe("token changes keep the config file's own formatting", () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('creating then revoking a token gives back the file as it was, one-line arrays and all', async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, { maxFailedAuthPerMinute: 1000 });
    const configPath = path.join(server.dir, 'api-deploy.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    // The file as a person keeps it: token lists on one line each, a tab-indented block.
    const lines = Object.entries(config).map(([key, value]) =>
      Array.isArray(value)
        ? `  ${JSON.stringify(key)}: [${value.map((item) => JSON.stringify(item)).join(', ')}]`
        : `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, '\t').replaceAll('\n', '\n  ')}`,
    );
    const text = `{\n${lines.join(',\n')}\n}\n`;
    await writeFile(configPath, text);

    const created = await server.post('/api/tokens', { label: 'formatting', role: 'business' }, ADMIN_AUTH);
    expect(created.status, created.text).toBe(200);
    const withToken = await readFile(configPath, 'utf8');
    const validLine = withToken.split('\n').find((line) => line.includes('"validTokens"'))!;
    expect(validLine).toContain('"label": "formatting"');
    expect(withToken.replace(validLine, '')).toBe(
      text.replace(
        text.split('\n').find((l) => l.includes('"validTokens"'))!,
        '',
      ),
    );

    const revoked = await server.request(
      'DELETE',
      `/api/tokens/${created.json.data.id}`,
      undefined,
      ADMIN_AUTH,
    );
    expect(revoked.status, revoked.text).toBe(200);
    expect(await readFile(configPath, 'utf8')).toBe(text);
  });
});

describe('token changes made at the same time', () => {
  let server: TestServer;
  let configPath: string;
  beforeAll(async () => {
    server = await startServer({ 'apis/greet.ts': HELLO }, { workers: 1, maxWorkers: 2 });
    configPath = path.join(server.dir, 'api-deploy.config.json');
  });
  afterAll(() => server.stop());

  // Regression guard: before 4db056a each change read the config file, edited it and wrote it
  // back with nothing serialising the changes: of five parallel POST /api/tokens, all answered
  // 200 with a token value, but only one ended up in the file and the other four were refused
  // (401 INVALID_TOKEN) right after the reload that follows each change.
  it('five tokens created at once all persist and all work', async () => {
    const made = await Promise.all(
      Array.from({ length: 5 }, (_, n) => server.post('/api/tokens', { label: `parallel ${n}` }, ADMIN_AUTH)),
    );
    for (const answer of made) expect(answer.status).toBe(200);
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    const stored = (config.validTokens as ({ token: string } | string)[]).map((entry) =>
      typeof entry === 'string' ? entry : entry.token,
    );
    for (const answer of made) {
      expect(stored).toContain(answer.json.data.token);
      expect((await server.post('/greet/hello', { token: answer.json.data.token })).status).toBe(200);
    }
  });
});

describe('writeFileAtomic: a crash mid-write loses nothing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-atomic-'));
    // the real function, compiled as it is, for a plain node child process
    await build({
      entryPoints: [path.resolve('src/server/core/atomic-write.ts')],
      outfile: path.join(dir, 'atomic-write.mjs'),
      format: 'esm',
      platform: 'node',
      bundle: true,
      logLevel: 'silent',
    });
    await writeFile(
      path.join(dir, 'writer.mjs'),
      `import { writeFileAtomic } from './atomic-write.mjs';
const [file, size] = process.argv.slice(2);
const content = (which) => JSON.stringify({ which, pad: which.repeat(Number(size)) }, null, 2);
const A = content('A');
const B = content('B');
for (let n = 0; ; n++) {
  await writeFileAtomic(file, n % 2 === 0 ? A : B);
  if (n === 1) process.stdout.write('ready\\n');
}
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('after SIGKILL at random moments the file is exactly A or B and parses', async () => {
    const size = 4_000_000;
    const expected = (which: string) => JSON.stringify({ which, pad: which.repeat(size) }, null, 2);
    const A = expected('A');
    const B = expected('B');
    const file = path.join(dir, 'config.json');
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, [path.join(dir, 'writer.mjs'), file, String(size)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the writer never got ready: ${stderr}`)), 15_000);
        child.stdout.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
        void exited.then(() => reject(new Error(`the writer exited: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 60));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const text = await readFile(file, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      const which = text === A ? 'A' : text === B ? 'B' : 'mixed';
      expect(which, `round ${round}: ${text.length} chars`).not.toBe('mixed');
      expect(JSON.parse(text).which).toBe(which);
    }
    // The kills did land mid-write: the writes they cut short left their temporary files behind.
    const leftovers = (await readdir(dir)).filter((name) => name.startsWith('.config.json.'));
    expect(leftovers.length).toBeGreaterThan(0);
  });
});

describe("the status page's word on the README's documented tokens", () => {
  it('names the ones in force by role, without counting the check as a use, and none once revoked', async () => {
    const server = await startServer(
      { 'apis/greet.ts': HELLO },
      {
        validTokens: ['your-business-token', BUSINESS],
        adminTokens: ['your-admin-token', { token: ADMIN, label: 'test admin' }],
      },
    );
    try {
      const statusOf = async () =>
        (await server.get('/api/status', { authorization: `Bearer ${ADMIN}` })).json.data.documentedTokens;
      expect(await statusOf()).toEqual(['admin', 'business']);
      const listed = (await server.get('/api/tokens', { authorization: `Bearer ${ADMIN}` })).json.data.tokens;
      expect(listed.filter((token: { lastUsed?: string }) => token.lastUsed)).toHaveLength(1); // ours only
      for (const token of listed.filter((entry: { label: string }) => entry.label.startsWith('your'))) {
        const revoked = await server.request('DELETE', `/api/tokens/${token.id}`, undefined, {
          authorization: `Bearer ${ADMIN}`,
        });
        expect(revoked.status).toBe(200);
      }
      expect(await statusOf()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
