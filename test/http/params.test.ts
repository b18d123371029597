import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS, startServer, type Answer, type TestServer } from '../helpers/server.js';
import type { LoadError } from '../../src/shared/contract.js';

/**
 * Both parameter styles, through real HTTP: the signature of a function read like FastAPI reads
 * type hints, and zod objects. Every function echoes what it received, so a test sees both what
 * was accepted and what the function was really called with.
 */

const SIGNATURE_MODULE = `
import { apiFunction } from 'api-deploy';

type Point = { x: number; y: number };
interface Item {
  name: string;
  qty: number;
}

export const str = apiFunction((s: string) => ({ s, type: typeof s }));
export const num = apiFunction((n: number) => ({ n, type: typeof n }));
export const bool = apiFunction((b: boolean) => ({ b, type: typeof b }));
export const nullable = apiFunction((x: string | null) => ({ x }));
export const color = apiFunction((c: 'red' | 'green') => ({ c }));
export const level = apiFunction((l: 1 | 2 | 3) => ({ l }));
export const yes = apiFunction((t: true) => ({ t }));
export const list = apiFunction((xs: number[]) => ({ sum: xs.reduce((a, b) => a + b, 0), xs }));
export const generic_list = apiFunction((xs: Array<string>) => ({ joined: xs.join('+') }));
export const nested = apiFunction((user: { name: string; address: { city: string; zip?: string } }) => ({ user }));
export const items = apiFunction((items: { name: string; qty: number }[]) => ({ count: items.length, items }));
export const pair = apiFunction((p: [string, number]) => ({ p }));
export const scores = apiFunction((r: Record<string, number>) => ({ r }));
export const opt = apiFunction((a: string, b?: number) => ({ a, b: b === undefined ? 'undefined' : b }));
export const defaults = apiFunction((name: string = 'World', times: number = 2, loud: boolean = false) => ({
  text: (loud ? name.toUpperCase() : name).repeat(times),
}));
export const untyped = apiFunction((v) => ({ v, type: v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v }));
export const alias = apiFunction((p: Point) => ({ sum: p.x + p.y }));
export const iface = apiFunction((item: Item) => ({ label: item.qty + 'x ' + item.name }));
export const destructured = apiFunction(({ a, b = 2 }: { a: string; b?: number }) => ({ a, b }));
export const maybe = apiFunction((n: number | undefined) => ({ n: n === undefined ? 'undefined' : n }));

/**
 * Says hello.
 * @param name who to greet
 * @param punctuation - what ends the greeting
 */
export const documented = apiFunction((name: string, punctuation: string = '!') => 'Hello ' + name + punctuation);
`;

const ZOD_MODULE = `
import { apiFunction } from 'api-deploy';
import { z } from 'zod';

/** Computes an area. */
export const area = apiFunction(
  { params: z.object({ w: z.number().positive(), h: z.number().positive() }) },
  ({ w, h }) => ({ area: w * h }),
);

export const loose = apiFunction({ params: z.object({ id: z.string() }).loose() }, (p) => p);
export const passthrough = apiFunction({ params: z.object({ id: z.string() }).passthrough() }, (p) => p);

export const shaped = apiFunction(
  {
    params: z.object({
      tag: z.string().transform((s) => s.toUpperCase()),
      count: z.number().int().default(3),
      mode: z.enum(['fast', 'slow']).optional(),
    }),
  },
  (p) => ({ ...p, hasMode: 'mode' in p }),
);

export const described = apiFunction(
  { params: z.object({ q: z.string().min(2).describe('the search text') }).describe('Searches things.') },
  ({ q }) => q,
);

export const loose_described = apiFunction(
  { params: z.object({ q: z.string() }).loose().describe('Loose and described.') },
  ({ q }) => q,
);
`;

const RESULTS_MODULE = `
import { apiFunction, ApiError } from 'api-deploy';

export const nothing = apiFunction(() => undefined);
export const big = apiFunction(() => ({ n: 10n }));
export const circular = apiFunction(() => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  return a;
});
export const stock = apiFunction((sku: string) => {
  throw new ApiError('No more ' + sku, { status: 409, code: 'OUT_OF_STOCK' });
});
export const later = apiFunction(async (n: number) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { doubled: n * 2 };
});
export const rejects = apiFunction(async () => {
  await Promise.resolve();
  throw new ApiError('gone', { status: 410, code: 'GONE' });
});
`;

const UNSUPPORTED_DATE = `import { apiFunction } from 'api-deploy';

export const fine = apiFunction((s: string) => s);
export const when = apiFunction((d: Date) => d);
`;

const UNSUPPORTED_REST = `import { apiFunction } from 'api-deploy';

export const sum = apiFunction((...xs: number[]) => xs.length);
`;

interface EndpointInfo {
  path: string;
  description?: string;
  style: string;
  params: {
    type: string;
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
    additionalProperties?: unknown;
  };
}

function expectOk(answer: Answer, endpoint: string, data: unknown): void {
  expect(answer.json).toEqual({ success: true, data, endpoint });
  expect(answer.status).toBe(200);
}

function expectInvalid(
  answer: Answer,
  endpoint: string,
  details: { path: string; message: unknown }[],
): void {
  expect(answer.json).toEqual({
    success: false,
    error: expect.stringMatching(/^Invalid parameters: /),
    code: 'VALIDATION_ERROR',
    endpoint,
    details,
  });
  expect(answer.status).toBe(422);
}

describe('signature-style parameters', () => {
  let server: TestServer;
  const call = (fn: string, body: Record<string, unknown>) =>
    server.post(`/sig/${fn}`, { token: BUSINESS, body });
  let endpoints: EndpointInfo[];
  const endpoint = (fn: string): EndpointInfo => {
    const found = endpoints.find((candidate) => candidate.path === `/sig/${fn}`);
    if (!found) throw new Error(`no endpoint /sig/${fn} on GET /`);
    return found;
  };

  beforeAll(async () => {
    server = await startServer({ 'apis/sig.ts': SIGNATURE_MODULE });
    const status = await server.get('/');
    expect(status.json.failedModules).toEqual([]);
    endpoints = status.json.endpoints;
  });
  afterAll(() => server.stop());

  describe('string', () => {
    it('accepts a string', async () => {
      expectOk(await call('str', { s: 'hi' }), '/sig/str', { s: 'hi', type: 'string' });
    });
    it('refuses a number, without coercing it', async () => {
      expectInvalid(await call('str', { s: 1 }), '/sig/str', [
        { path: 's', message: 'Expected string, received number 1' },
      ]);
    });
  });

  describe('number', () => {
    it('accepts a number', async () => {
      expectOk(await call('num', { n: 2.5 }), '/sig/num', { n: 2.5, type: 'number' });
    });
    it('refuses "2", without coercing it', async () => {
      expectInvalid(await call('num', { n: '2' }), '/sig/num', [
        { path: 'n', message: 'Expected number, received string "2"' },
      ]);
    });
  });

  describe('boolean', () => {
    it('accepts false', async () => {
      expectOk(await call('bool', { b: false }), '/sig/bool', { b: false, type: 'boolean' });
    });
    it('refuses "true" and 0', async () => {
      expectInvalid(await call('bool', { b: 'true' }), '/sig/bool', [
        { path: 'b', message: 'Expected boolean, received string "true"' },
      ]);
      expectInvalid(await call('bool', { b: 0 }), '/sig/bool', [
        { path: 'b', message: 'Expected boolean, received number 0' },
      ]);
    });
  });

  describe('string | null', () => {
    it('accepts null and a string', async () => {
      expectOk(await call('nullable', { x: null }), '/sig/nullable', { x: null });
      expectOk(await call('nullable', { x: 'a' }), '/sig/nullable', { x: 'a' });
    });
    it('refuses a number, naming both types', async () => {
      expectInvalid(await call('nullable', { x: 3 }), '/sig/nullable', [
        { path: 'x', message: 'Expected string | null, received number 3' },
      ]);
    });
    it('is still required: null is a value, absence is not', async () => {
      expectInvalid(await call('nullable', {}), '/sig/nullable', [
        { path: 'x', message: 'Missing required parameter' },
      ]);
    });
  });

  describe('string-literal union', () => {
    it('accepts a member', async () => {
      expectOk(await call('color', { c: 'green' }), '/sig/color', { c: 'green' });
    });
    it('refuses another string', async () => {
      expectInvalid(await call('color', { c: 'blue' }), '/sig/color', [
        { path: 'c', message: `Expected 'red' | 'green', received string "blue"` },
      ]);
    });
    it('publishes the members as an enum', () => {
      expect(endpoint('color').params.properties.c).toEqual({ type: 'string', enum: ['red', 'green'] });
    });
  });

  describe('numeric and boolean literals', () => {
    it('accepts a numeric literal member', async () => {
      expectOk(await call('level', { l: 2 }), '/sig/level', { l: 2 });
    });
    it('refuses a number outside the union, and its string form', async () => {
      expectInvalid(await call('level', { l: 4 }), '/sig/level', [
        { path: 'l', message: 'Expected 1 | 2 | 3, received number 4' },
      ]);
      expectInvalid(await call('level', { l: '2' }), '/sig/level', [
        { path: 'l', message: 'Expected 1 | 2 | 3, received string "2"' },
      ]);
    });
    it('accepts true for the literal type true and refuses false', async () => {
      expectOk(await call('yes', { t: true }), '/sig/yes', { t: true });
      expectInvalid(await call('yes', { t: false }), '/sig/yes', [
        { path: 't', message: 'Expected true, received boolean false' },
      ]);
    });
  });

  describe('arrays', () => {
    it('accepts number[]', async () => {
      expectOk(await call('list', { xs: [1, 2, 3] }), '/sig/list', { sum: 6, xs: [1, 2, 3] });
    });
    it('refuses a wrongly typed element with its index in the path', async () => {
      expectInvalid(await call('list', { xs: [1, '2'] }), '/sig/list', [
        { path: 'xs.1', message: 'Expected number, received string "2"' },
      ]);
    });
    it('refuses a non-array', async () => {
      expectInvalid(await call('list', { xs: 1 }), '/sig/list', [
        { path: 'xs', message: 'Expected number[], received number 1' },
      ]);
    });
    it('accepts Array<string>', async () => {
      expectOk(await call('generic_list', { xs: ['a', 'b'] }), '/sig/generic_list', { joined: 'a+b' });
    });
    it('refuses a wrong element of Array<string>', async () => {
      expectInvalid(await call('generic_list', { xs: ['a', null] }), '/sig/generic_list', [
        { path: 'xs.1', message: 'Expected string, received null' },
      ]);
    });
  });

  describe('object literal types', () => {
    it('accepts a nested object, optional nested member left out', async () => {
      const user = { name: 'Ada', address: { city: 'London' } };
      expectOk(await call('nested', { user }), '/sig/nested', { user });
    });
    it('refuses an unknown nested key with its full path', async () => {
      expectInvalid(
        await call('nested', { user: { name: 'Ada', address: { city: 'London', planet: 'Earth' } } }),
        '/sig/nested',
        [{ path: 'user.address.planet', message: 'Unknown parameter' }],
      );
    });
    it('refuses a missing nested key with its full path', async () => {
      expectInvalid(await call('nested', { user: { name: 'Ada', address: {} } }), '/sig/nested', [
        { path: 'user.address.city', message: 'Missing required parameter' },
      ]);
    });
    it('gives the path into an array of objects: items.0.name', async () => {
      expectInvalid(
        await call('items', {
          items: [
            { name: 7, qty: 1 },
            { name: 'b', qty: 2 },
          ],
        }),
        '/sig/items',
        [{ path: 'items.0.name', message: 'Expected string, received number 7' }],
      );
    });
    it('accepts a well-formed array of objects', async () => {
      const items = [{ name: 'a', qty: 1 }];
      expectOk(await call('items', { items }), '/sig/items', { count: 1, items });
    });
    it('publishes a closed object schema', () => {
      expect(endpoint('nested').params.properties.user).toMatchObject({
        type: 'object',
        required: ['name', 'address'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          address: {
            type: 'object',
            properties: { city: { type: 'string' }, zip: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
      });
    });
  });

  describe('tuple', () => {
    it('accepts [string, number]', async () => {
      expectOk(await call('pair', { p: ['a', 1] }), '/sig/pair', { p: ['a', 1] });
    });
    it('refuses swapped elements', async () => {
      const answer = await call('pair', { p: [1, 'a'] });
      expect(answer.status).toBe(422);
      expect(answer.json.code).toBe('VALIDATION_ERROR');
      expect(answer.json.details).toEqual([
        { path: 'p.0', message: 'Expected string, received number 1' },
        { path: 'p.1', message: 'Expected number, received string "a"' },
      ]);
    });
    it('refuses a tuple of the wrong length', async () => {
      const answer = await call('pair', { p: ['a', 1, 2] });
      expect(answer.status).toBe(422);
      expect(answer.json.code).toBe('VALIDATION_ERROR');
      expect(answer.json.details).toHaveLength(1);
      expect(answer.json.details[0].path).toBe('p');
    });
  });

  describe('Record<string, number>', () => {
    it('accepts any keys with number values', async () => {
      expectOk(await call('scores', { r: { ann: 3, bob: 4 } }), '/sig/scores', { r: { ann: 3, bob: 4 } });
    });
    it('refuses a non-number value, naming its key', async () => {
      expectInvalid(await call('scores', { r: { ann: 3, bob: 'four' } }), '/sig/scores', [
        { path: 'r.bob', message: 'Expected number, received string "four"' },
      ]);
    });
  });

  describe('optional parameters', () => {
    it('may leave out b?: number; the function receives undefined', async () => {
      expectOk(await call('opt', { a: 'x' }), '/sig/opt', { a: 'x', b: 'undefined' });
    });
    it('still checks b when given', async () => {
      expectOk(await call('opt', { a: 'x', b: 5 }), '/sig/opt', { a: 'x', b: 5 });
      expectInvalid(await call('opt', { a: 'x', b: '5' }), '/sig/opt', [
        { path: 'b', message: 'Expected number, received string "5"' },
      ]);
    });
    it('makes a parameter optional when undefined is in its union', async () => {
      expectOk(await call('maybe', {}), '/sig/maybe', { n: 'undefined' });
      expectOk(await call('maybe', { n: 4 }), '/sig/maybe', { n: 4 });
      expectInvalid(await call('maybe', { n: 'four' }), '/sig/maybe', [
        { path: 'n', message: 'Expected number, received string "four"' },
      ]);
      expect(endpoint('maybe').params.required ?? []).not.toContain('n');
    });
  });

  describe('defaults', () => {
    it('applies the JavaScript defaults when omitted', async () => {
      expectOk(await call('defaults', {}), '/sig/defaults', { text: 'WorldWorld' });
    });
    it('uses the given values over the defaults', async () => {
      expectOk(await call('defaults', { name: 'ab', times: 3, loud: true }), '/sig/defaults', {
        text: 'ABABAB',
      });
    });
    it('checks a defaulted parameter when given', async () => {
      expectInvalid(await call('defaults', { times: '3' }), '/sig/defaults', [
        { path: 'times', message: 'Expected number, received string "3"' },
      ]);
    });
    it('publishes the defaults in the JSON Schema on GET /', () => {
      const params = endpoint('defaults').params;
      expect(params.properties).toEqual({
        name: { type: 'string', default: 'World' },
        times: { type: 'number', default: 2 },
        loud: { type: 'boolean', default: false },
      });
      expect(params.required ?? []).toEqual([]);
    });
  });

  describe('unannotated parameter', () => {
    it.each([
      ['a string', 'x', 'string'],
      ['a number', 1.5, 'number'],
      ['a boolean', true, 'boolean'],
      ['null', null, 'null'],
      ['an array', [1, 'a'], 'array'],
      ['an object', { k: { deep: [true] } }, 'object'],
    ])('takes %s as it is', async (_what, value, type) => {
      expectOk(await call('untyped', { v: value }), '/sig/untyped', { v: value, type });
    });
    it('still refuses unknown parameters beside it', async () => {
      expectInvalid(await call('untyped', { v: 1, w: 2 }), '/sig/untyped', [
        { path: 'w', message: 'Unknown parameter' },
      ]);
    });
  });

  describe('local type and interface', () => {
    it('accepts a value of a local type alias', async () => {
      expectOk(await call('alias', { p: { x: 1, y: 2 } }), '/sig/alias', { sum: 3 });
    });
    it('refuses an unknown key of a local type alias', async () => {
      expectInvalid(await call('alias', { p: { x: 1, y: 2, z: 3 } }), '/sig/alias', [
        { path: 'p.z', message: 'Unknown parameter' },
      ]);
    });
    it('accepts a value of a local interface', async () => {
      expectOk(await call('iface', { item: { name: 'pen', qty: 2 } }), '/sig/iface', { label: '2x pen' });
    });
    it('refuses a wrongly typed interface member', async () => {
      expectInvalid(await call('iface', { item: { name: 'pen', qty: '2' } }), '/sig/iface', [
        { path: 'item.qty', message: 'Expected number, received string "2"' },
      ]);
    });
  });

  describe('destructured single object parameter', () => {
    it('maps body keys to the properties and applies the destructuring default', async () => {
      expectOk(await call('destructured', { a: 'x' }), '/sig/destructured', { a: 'x', b: 2 });
      expectOk(await call('destructured', { a: 'x', b: 9 }), '/sig/destructured', { a: 'x', b: 9 });
    });
    it('refuses a missing property, a wrong type and an unknown key', async () => {
      expectInvalid(await call('destructured', {}), '/sig/destructured', [
        { path: 'a', message: 'Missing required parameter' },
      ]);
      expectInvalid(await call('destructured', { a: 'x', b: 'y' }), '/sig/destructured', [
        { path: 'b', message: 'Expected number, received string "y"' },
      ]);
      expectInvalid(await call('destructured', { a: 'x', c: 1 }), '/sig/destructured', [
        { path: 'c', message: 'Unknown parameter' },
      ]);
    });
    it('publishes the properties, with the default', () => {
      const params = endpoint('destructured').params;
      expect(params.properties).toEqual({ a: { type: 'string' }, b: { type: 'number', default: 2 } });
      expect(params.required).toEqual(['a']);
    });
  });

  describe('validation errors', () => {
    it('names a missing required parameter', async () => {
      const answer = await call('opt', {});
      expectInvalid(answer, '/sig/opt', [{ path: 'a', message: 'Missing required parameter' }]);
      expect(answer.json.error).toBe('Invalid parameters: "a": Missing required parameter');
    });
    it('names an unknown parameter', async () => {
      const answer = await call('str', { s: 'a', extra: true });
      expectInvalid(answer, '/sig/str', [{ path: 'extra', message: 'Unknown parameter' }]);
      expect(answer.json.error).toBe('Invalid parameters: "extra": Unknown parameter');
    });
    it('lists every problem at once', async () => {
      const answer = await call('opt', { b: 'x', c: 1 });
      expect(answer.status).toBe(422);
      expect(answer.json.details).toEqual(
        expect.arrayContaining([
          { path: 'a', message: 'Missing required parameter' },
          { path: 'b', message: 'Expected number, received string "x"' },
          { path: 'c', message: 'Unknown parameter' },
        ]),
      );
      expect(answer.json.details).toHaveLength(3);
      expect(answer.json.error).toMatch(/\(and 2 more\)$/);
    });
    it('treats a missing "body" as no parameters', async () => {
      const answer = await server.post('/sig/str', { token: BUSINESS });
      expectInvalid(answer, '/sig/str', [{ path: 's', message: 'Missing required parameter' }]);
    });
  });

  describe('JSDoc', () => {
    it('becomes the description, and @param text the property description', () => {
      const info = endpoint('documented');
      expect(info.description).toBe('Says hello.');
      expect(info.style).toBe('signature');
      expect(info.params.properties).toEqual({
        name: { type: 'string', description: 'who to greet' },
        punctuation: { type: 'string', default: '!', description: 'what ends the greeting' },
      });
      expect(info.params.required).toEqual(['name']);
    });
    it('leaves functions without JSDoc undescribed', () => {
      expect(endpoint('str').description).toBeUndefined();
    });
    it('still calls the documented function', async () => {
      expectOk(await call('documented', { name: 'Bo' }), '/sig/documented', 'Hello Bo!');
    });
  });
});

describe('zod-style parameters', () => {
  let server: TestServer;
  const call = (fn: string, body: Record<string, unknown>) =>
    server.post(`/z/${fn}`, { token: BUSINESS, body });
  let endpoints: EndpointInfo[];
  const endpoint = (fn: string): EndpointInfo => {
    const found = endpoints.find((candidate) => candidate.path === `/z/${fn}`);
    if (!found) throw new Error(`no endpoint /z/${fn} on GET /`);
    return found;
  };

  beforeAll(async () => {
    server = await startServer({ 'apis/z.ts': ZOD_MODULE });
    const status = await server.get('/');
    expect(status.json.failedModules).toEqual([]);
    endpoints = status.json.endpoints;
  });
  afterAll(() => server.stop());

  it('passes the parsed object as the single argument', async () => {
    expectOk(await call('area', { w: 2, h: 3.5 }), '/z/area', { area: 7 });
  });

  it('refuses a value the schema refuses', async () => {
    const answer = await call('area', { w: -2, h: 3 });
    expectInvalid(answer, '/z/area', [{ path: 'w', message: expect.stringMatching(/>\s*0|positive/i) }]);
  });

  it('refuses a wrong type without coercing', async () => {
    const answer = await call('area', { w: '2', h: 3 });
    expect(answer.status).toBe(422);
    expect(answer.json.code).toBe('VALIDATION_ERROR');
    expect(answer.json.details).toEqual([{ path: 'w', message: expect.stringMatching(/number/) }]);
  });

  it('names a missing key', async () => {
    expectInvalid(await call('area', { w: 2 }), '/z/area', [
      { path: 'h', message: 'Missing required parameter' },
    ]);
  });

  it('refuses unknown keys with a plain z.object', async () => {
    expectInvalid(await call('area', { w: 1, h: 1, d: 1 }), '/z/area', [
      { path: 'd', message: 'Unknown parameter' },
    ]);
  });

  it('accepts and passes on extra keys with .loose()', async () => {
    expectOk(await call('loose', { id: 'a', extra: [1] }), '/z/loose', { id: 'a', extra: [1] });
  });

  it('accepts and passes on extra keys with .passthrough()', async () => {
    expectOk(await call('passthrough', { id: 'a', extra: true }), '/z/passthrough', { id: 'a', extra: true });
  });

  it('still validates the declared keys of a loose object', async () => {
    expectInvalid(await call('loose', { id: 1 }), '/z/loose', [
      { path: 'id', message: expect.stringMatching(/string/) },
    ]);
  });

  it('applies transforms and defaults', async () => {
    expectOk(await call('shaped', { tag: 'abc' }), '/z/shaped', { tag: 'ABC', count: 3, hasMode: false });
    expectOk(await call('shaped', { tag: 'x', count: 7, mode: 'slow' }), '/z/shaped', {
      tag: 'X',
      count: 7,
      mode: 'slow',
      hasMode: true,
    });
  });

  it('refuses a value outside a z.enum', async () => {
    const answer = await call('shaped', { tag: 'x', mode: 'medium' });
    expect(answer.status).toBe(422);
    expect(answer.json.details).toEqual([{ path: 'mode', message: expect.any(String) }]);
  });

  it('publishes the zod schema as JSON Schema on GET /', () => {
    const area = endpoint('area');
    expect(area.style).toBe('zod');
    expect(area.params).toEqual({
      type: 'object',
      properties: { w: { type: 'number', exclusiveMinimum: 0 }, h: { type: 'number', exclusiveMinimum: 0 } },
      required: ['w', 'h'],
      additionalProperties: false,
    });
    const shaped = endpoint('shaped').params;
    expect(shaped.properties).toEqual({
      tag: { type: 'string' },
      count: { type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number), default: 3 },
      mode: { type: 'string', enum: ['fast', 'slow'] },
    });
    expect(shaped.required).toEqual(['tag']);
    expect(shaped.additionalProperties).toBe(false);
    expect(endpoint('loose').params.additionalProperties).toEqual({});
  });

  it('takes the description from JSDoc above the export', () => {
    expect(endpoint('area').description).toBe('Computes an area.');
    expect(endpoint('loose').description).toBeUndefined();
  });

  it('publishes property descriptions given with .describe()', () => {
    const info = endpoint('described');
    expect(info.params.properties.q).toEqual({
      type: 'string',
      minLength: 2,
      description: 'the search text',
    });
  });

  it('keeps the .describe() of a loose zod object as its description', () => {
    expect(endpoint('loose_described').description).toBe('Loose and described.');
  });

  // A plain z.object is made strict with .strict(), a copy; its description must survive.
  it("takes the endpoint's description from the .describe() of a plain z.object", () => {
    expect(endpoint('described').description).toBe('Searches things.');
  });
});

describe('unsupported parameter types', () => {
  let server: TestServer;
  let failed: LoadError[];

  beforeAll(async () => {
    server = await startServer({
      'apis/dates.ts': UNSUPPORTED_DATE,
      'apis/rest.ts': UNSUPPORTED_REST,
      'apis/ok.ts': `import { apiFunction } from 'api-deploy';\nexport const ping = apiFunction(() => 'pong');\n`,
    });
    failed = (await server.get('/')).json.failedModules;
  });
  afterAll(() => server.stop());

  it('refuses a Date parameter, naming the function and where its type is written', () => {
    const failure = failed.find((entry) => entry.module === 'dates');
    expect(failure).toEqual({
      module: 'dates',
      file: 'dates.ts',
      line: 4,
      column: 37,
      message: expect.stringMatching(/^when: type "Date" /),
    });
  });

  it('refuses a rest parameter, naming the function and where it is written', () => {
    const failure = failed.find((entry) => entry.module === 'rest');
    expect(failure).toEqual({
      module: 'rest',
      file: 'rest.ts',
      line: 3,
      column: 33,
      message: 'sum: rest parameters cannot come from a JSON body',
    });
  });

  it('lists exactly the failing modules', () => {
    expect(failed.map((entry) => entry.module).sort()).toEqual(['dates', 'rest']);
  });

  it('makes every endpoint of the module unavailable, even the well-typed one', async () => {
    for (const path of ['/dates/when', '/dates/fine', '/rest/sum']) {
      const answer = await server.post(path, { token: BUSINESS, body: {} });
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({
        success: false,
        code: 'MODULE_UNAVAILABLE',
        error: expect.stringContaining(`failed to load`),
        endpoint: path,
      });
    }
    const when = await server.post('/dates/when', { token: BUSINESS, body: {} });
    expect(when.json.error).toContain('dates.ts:4:37');
  });

  it('keeps other modules serving', async () => {
    expectOk(await server.post('/ok/ping', { token: BUSINESS }), '/ok/ping', 'pong');
  });
});

describe('return values and errors', () => {
  let server: TestServer;
  const call = (fn: string, body: Record<string, unknown> = {}) =>
    server.post(`/results/${fn}`, { token: BUSINESS, body });

  beforeAll(async () => {
    server = await startServer({ 'apis/results.ts': RESULTS_MODULE });
  });
  afterAll(() => server.stop());

  it('sends undefined as data: null', async () => {
    expect((await call('nothing')).text).toBe('{"success":true,"data":null,"endpoint":"/results/nothing"}');
  });

  it('answers a BigInt result with 500 FUNCTION_ERROR saying it cannot be serialised', async () => {
    const answer = await call('big');
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      success: false,
      code: 'FUNCTION_ERROR',
      error: expect.stringContaining('cannot be serialised as JSON'),
      endpoint: '/results/big',
    });
    expect(answer.json.error).toMatch(/BigInt/);
  });

  it('answers a circular result with 500 FUNCTION_ERROR saying it cannot be serialised', async () => {
    const answer = await call('circular');
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      success: false,
      code: 'FUNCTION_ERROR',
      error: expect.stringContaining('cannot be serialised as JSON'),
      endpoint: '/results/circular',
    });
    expect(answer.json.error).toMatch(/circular/i);
  });

  it('answers an ApiError with its status, code and message', async () => {
    const answer = await call('stock', { sku: 'A-1' });
    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({
      success: false,
      error: 'No more A-1',
      code: 'OUT_OF_STOCK',
      endpoint: '/results/stock',
    });
  });

  it('runs async functions and sends their resolved value', async () => {
    expectOk(await call('later', { n: 21 }), '/results/later', { doubled: 42 });
  });

  it('answers an ApiError from a rejected promise with its status and code', async () => {
    const answer = await call('rejects');
    expect(answer.status).toBe(410);
    expect(answer.json).toEqual({
      success: false,
      error: 'gone',
      code: 'GONE',
      endpoint: '/results/rejects',
    });
  });

  it('validates before calling an async function', async () => {
    expectInvalid(await call('later', { n: '21' }), '/results/later', [
      { path: 'n', message: 'Expected number, received string "21"' },
    ]);
  });
});
