import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const MODULES = {
  'apis/math.ts': `
import { apiFunction, ApiError } from 'api-deploy';

/** Adds two numbers. */
export const add = apiFunction((a: number, b: number) => a + b);
export const nothing = apiFunction(() => undefined);
export const fails = apiFunction(() => { throw new Error('division by zero'); });
export const slow = apiFunction({ timeoutMs: 200 }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 5000));
  return 'late';
});
export const teapot = apiFunction(() => { throw new ApiError('I am a teapot', { status: 418, code: 'TEAPOT' }); });
`,
  'apis/broken.ts': `export const x = ;`,
};

describe('the HTTP contract: envelope and every row of the error table', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODULES, { maxBodyBytes: 1024 });
  });
  afterAll(() => server.stop());

  it('answers a call with the success envelope and an x-request-id', async () => {
    const answer = await server.post('/math/add', { token: BUSINESS, body: { a: 2, b: 3 } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: true, data: 5, endpoint: '/math/add' });
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the token as Authorization: Bearer too', async () => {
    const answer = await server.post(
      '/math/add',
      { body: { a: 1, b: 1 } },
      { authorization: `Bearer ${BUSINESS}` },
    );
    expect(answer.json).toEqual({ success: true, data: 2, endpoint: '/math/add' });
  });

  it('accepts admin tokens on business endpoints', async () => {
    const answer = await server.post('/math/add', { token: ADMIN, body: { a: 1, b: 2 } });
    expect(answer.json.data).toBe(3);
  });

  it('keeps a well-formed incoming x-request-id and replaces a malformed one', async () => {
    const kept = await server.post(
      '/math/add',
      { token: BUSINESS, body: { a: 1, b: 2 } },
      { 'x-request-id': 'trace-42' },
    );
    expect(kept.headers.get('x-request-id')).toBe('trace-42');
    const replaced = await server.post(
      '/math/add',
      { token: BUSINESS, body: { a: 1, b: 2 } },
      { 'x-request-id': 'bad id\u00e9' },
    );
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id\u00e9');
  });

  it('turns undefined into null', async () => {
    const answer = await server.post('/math/nothing', { token: BUSINESS });
    expect(answer.json).toEqual({ success: true, data: null, endpoint: '/math/nothing' });
  });

  const rows: [string, () => Promise<import('../helpers/server.js').Answer>, number, string][] = [
    ['no token', () => server.post('/math/add', { body: { a: 1, b: 2 } }), 401, 'MISSING_TOKEN'],
    [
      'unknown token',
      () => server.post('/math/add', { token: 'nope', body: { a: 1, b: 2 } }),
      401,
      'INVALID_TOKEN',
    ],
    [
      'unknown Bearer token',
      () => server.post('/math/add', { body: {} }, { authorization: 'Bearer nope' }),
      401,
      'INVALID_TOKEN',
    ],
    [
      'a token that is not a string',
      () => server.post('/math/add', { token: 42, body: {} }),
      401,
      'INVALID_TOKEN',
    ],
    ['admin endpoint, no token', () => server.get('/api/reload'), 401, 'MISSING_ADMIN_TOKEN'],
    [
      'admin endpoint, business token',
      () => server.get(`/api/reload?token=${BUSINESS}`),
      403,
      'INVALID_ADMIN_TOKEN',
    ],
    ['no such function', () => server.post('/math/nope', { token: BUSINESS }), 404, 'ENDPOINT_NOT_FOUND'],
    ['no such module', () => server.post('/nope/add', { token: BUSINESS }), 404, 'ENDPOINT_NOT_FOUND'],
    ['GET on a business endpoint', () => server.get('/math/add'), 405, 'METHOD_NOT_ALLOWED'],
    ['GET on no endpoint', () => server.get('/math/nope'), 404, 'ENDPOINT_NOT_FOUND'],
    ['body is not JSON', () => server.post('/math/add', '{"token": '), 400, 'INVALID_JSON'],
    ['body is a JSON array', () => server.post('/math/add', [1, 2]), 400, 'INVALID_JSON'],
    ['body is a JSON string', () => server.post('/math/add', '"hello"'), 400, 'INVALID_JSON'],
    [
      '"body" is not an object',
      () => server.post('/math/add', { token: BUSINESS, body: [1, 2] }),
      400,
      'INVALID_JSON',
    ],
    [
      'body over the limit',
      () => server.post('/math/add', { token: BUSINESS, body: { a: 'x'.repeat(2000) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'wrongly typed parameter',
      () => server.post('/math/add', { token: BUSINESS, body: { a: '1', b: 2 } }),
      422,
      'VALIDATION_ERROR',
    ],
    ['module failed to load', () => server.post('/broken/x', { token: BUSINESS }), 503, 'MODULE_UNAVAILABLE'],
    ['the function threw', () => server.post('/math/fails', { token: BUSINESS }), 500, 'FUNCTION_ERROR'],
    ['past the time limit', () => server.post('/math/slow', { token: BUSINESS }), 504, 'FUNCTION_TIMEOUT'],
  ];

  it.each(rows)('%s → %i %s', async (_situation, call, status, code) => {
    const answer = await call();
    expect(answer.status).toBe(status);
    expect(answer.json.success).toBe(false);
    expect(answer.json.code).toBe(code);
    expect(typeof answer.json.error).toBe('string');
    expect(answer.json.endpoint).toMatch(/^\//);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(answer.text).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it('names the endpoint the caller addressed', async () => {
    const answer = await server.post('/nope/add', { token: BUSINESS });
    expect(answer.json.endpoint).toBe('/nope/add');
  });

  it('sends the thrown message in debug mode', async () => {
    const answer = await server.post('/math/fails', { token: BUSINESS });
    expect(answer.json.error).toBe('division by zero');
  });

  it('lets a function answer with its own status and code through ApiError', async () => {
    const answer = await server.post('/math/teapot', { token: BUSINESS });
    expect(answer.status).toBe(418);
    expect(answer.json).toEqual({
      success: false,
      error: 'I am a teapot',
      code: 'TEAPOT',
      endpoint: '/math/teapot',
    });
  });

  it('says which module failed and where', async () => {
    const answer = await server.post('/broken/x', { token: BUSINESS });
    expect(answer.json.error).toMatch(/broken\.ts:1:\d+/);
  });

  it('refuses keys beside token and body', async () => {
    const answer = await server.post('/math/add', { token: BUSINESS, bdy: { a: 1 } });
    expect(answer.status).toBe(422);
    expect(answer.json.details).toEqual([{ path: 'bdy', message: expect.stringContaining('Unknown key') }]);
  });

  it('reads the body as JSON whatever its Content-Type', async () => {
    const answer = await server.post(
      '/math/add',
      { token: BUSINESS, body: { a: 1, b: 1 } },
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(answer.json.data).toBe(2);
  });

  it('sends no x-powered-by and no ETag', async () => {
    const answer = await server.post('/math/add', { token: BUSINESS, body: { a: 1, b: 1 } });
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(answer.headers.get('etag')).toBeNull();
  });
});

describe('outside debug mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODULES, { debug: false });
  });
  afterAll(() => server.stop());

  it('hides the thrown message', async () => {
    const answer = await server.post('/math/fails', { token: BUSINESS });
    expect(answer.status).toBe(500);
    expect(answer.json.code).toBe('FUNCTION_ERROR');
    expect(answer.json.error).not.toContain('division by zero');
  });

  it('still sends an ApiError message, which is meant for the caller', async () => {
    const answer = await server.post('/math/teapot', { token: BUSINESS });
    expect(answer.json.error).toBe('I am a teapot');
  });
});

describe('the status page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODULES);
  });
  afterAll(() => server.stop());

  it('lists status, version, uptime, endpoints with schemas, and failed modules', async () => {
    const answer = await server.get('/');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'running', name: 'api-deploy', hotReload: false });
    expect(answer.json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof answer.json.uptime).toBe('number');
    const add = answer.json.endpoints.find((endpoint: { path: string }) => endpoint.path === '/math/add');
    expect(add).toMatchObject({
      module: 'math',
      function: 'add',
      description: 'Adds two numbers.',
      params: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
    expect(answer.json.failedModules).toEqual([
      expect.objectContaining({ module: 'broken', file: 'broken.ts', line: 1, message: expect.any(String) }),
    ]);
  });
});
