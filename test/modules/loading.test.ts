import { rm, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startServer, type TestServer } from '../helpers/server.js';
import { expectData, expectError, ok } from '../helpers/expect.js';

/** Module loading through a real server: failures, helpers, packages, and the last good version. */

const PROJECT_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

interface LoadError {
  module: string;
  file: string;
  line?: number;
  column?: number;
  message: string;
}

interface EndpointInfo {
  path: string;
  module: string;
  function: string;
  file: string;
}

async function status(
  server: TestServer,
): Promise<{ endpoints: EndpointInfo[]; failedModules: LoadError[] }> {
  const answer = await server.get('/');
  expect(answer.status).toBe(200);
  return answer.json;
}

async function reload(
  server: TestServer,
): Promise<{ failed: LoadError[]; endpoints: number; modules: number }> {
  const answer = await server.get(`/api/reload?token=${ADMIN}`);
  expect(answer.status).toBe(200);
  expect(answer.json.success).toBe(true);
  expect(answer.json.endpoint).toBe('/api/reload');
  return answer.json.data;
}

const GOOD = `import { apiFunction } from 'api-deploy';
export const ping = apiFunction(() => 'pong');
`;

describe('a module that fails to load beside good ones', () => {
  let server: TestServer;
  let failed: LoadError[];
  let endpoints: EndpointInfo[];

  beforeAll(async () => {
    server = await startServer({
      'apis/good.ts': GOOD,
      'apis/also_good.ts': `import { apiFunction } from 'api-deploy';
export const add = apiFunction((a: number, b: number) => a + b);
`,
      // line 5, column 13: the ";" where an operand belongs
      'apis/syntax.ts': `import { apiFunction } from 'api-deploy';

export const ok = apiFunction(() => 1);
export const bad = apiFunction(() => {
  return 1 +;
});
`,
      // line 6: the throw, with code before and after it
      'apis/boom.ts': `import { apiFunction } from 'api-deploy';

export const before = apiFunction(() => 'before');
const limit = Number('3');
if (limit > 2) {
  throw new Error('boom');
}
export const after = apiFunction(() => 'after');
`,
      // the throw is in a helper: the failure points into the helper
      'apis/_explodes.ts': `export const value = 1;

throw new RangeError('helper blew up');
`,
      'apis/uses_helper.ts': `import { apiFunction } from 'api-deploy';
import { value } from './_explodes';

export const get = apiFunction(() => value);
`,
    });
    ({ failedModules: failed, endpoints } = await status(server));
  });
  afterAll(() => server.stop());

  const failure = (module: string) => failed.find((entry) => entry.module === module);

  it('lists exactly the broken modules under failedModules', () => {
    expect(failed.map((entry) => entry.module).sort()).toEqual(['boom', 'syntax', 'uses_helper']);
  });

  it('gives a syntax error with its file, line, column and message', () => {
    expect(failure('syntax')).toEqual({
      module: 'syntax',
      file: 'syntax.ts',
      line: 5,
      column: 13,
      message: 'Unexpected ";"',
    });
  });

  it('gives a throw at load time with the line of the throw in the user file', () => {
    expect(failure('boom')).toEqual({
      module: 'boom',
      file: 'boom.ts',
      line: 6,
      column: 9, // where the Error is created: \`new Error('boom')\`
      message: 'Error: boom',
    });
  });

  it('points a throw inside an imported helper at the helper', () => {
    expect(failure('uses_helper')).toEqual({
      module: 'uses_helper',
      file: '_explodes.ts',
      line: 3,
      column: 7,
      message: 'RangeError: helper blew up',
    });
  });

  it('answers 503 MODULE_UNAVAILABLE for every endpoint of a broken module, naming where it broke', async () => {
    const syntax = await ok(server, '/syntax/ok');
    expectError(syntax, '/syntax/ok', 503, 'MODULE_UNAVAILABLE');
    expect(syntax.json.error).toBe('Module "syntax" failed to load (syntax.ts:5:13): Unexpected ";"');
    expectError(await ok(server, '/syntax/bad'), '/syntax/bad', 503, 'MODULE_UNAVAILABLE');
    const boom = await ok(server, '/boom/before');
    expectError(boom, '/boom/before', 503, 'MODULE_UNAVAILABLE');
    expect(boom.json.error).toBe('Module "boom" failed to load (boom.ts:6:9): Error: boom');
    expectError(await ok(server, '/boom/after'), '/boom/after', 503, 'MODULE_UNAVAILABLE');
    expectError(await ok(server, '/uses_helper/get'), '/uses_helper/get', 503, 'MODULE_UNAVAILABLE');
  });

  it('still answers 404 for a module that does not exist at all', async () => {
    expectError(await ok(server, '/missing/ok'), '/missing/ok', 404, 'ENDPOINT_NOT_FOUND');
  });

  it('serves the good modules', async () => {
    expectData(await ok(server, '/good/ping'), '/good/ping', 'pong');
    expectData(await ok(server, '/also_good/add', { a: 2, b: 40 }), '/also_good/add', 42);
  });

  it('lists only the endpoints of good modules', () => {
    expect(endpoints.map((endpoint) => endpoint.path).sort()).toEqual(['/also_good/add', '/good/ping']);
  });
});

describe('helpers, folders, packages and file kinds', () => {
  let server: TestServer;
  let endpoints: EndpointInfo[];
  let failed: LoadError[];
  const nodeModulesLink = () => path.join(server.dir, 'node_modules');

  beforeAll(async () => {
    server = await startServer({
      'apis/_util.ts': `import { apiFunction } from 'api-deploy';
export const double = (n: number) => n * 2;
/** An apiFunction in a helper file is still not an endpoint. */
export const helperFn = apiFunction(() => 'from helper');
`,
      'apis/_lib/format.ts': `export const money = (cents: number) => (cents / 100).toFixed(2) + ' EUR';
`,
      'apis/.hidden.ts': `import { apiFunction } from 'api-deploy';
export const secret = apiFunction(() => 'hidden');
`,
      'apis/calc.ts': `import { apiFunction } from 'api-deploy';
import { double } from './_util';
import { money } from './_lib/format';

export const twice = apiFunction((n: number) => double(n));
export const price = apiFunction((cents: number) => money(double(cents)));
`,
      'apis/billing/_rates.ts': `export const VAT = 0.2;
`,
      'apis/billing/invoice.ts': `import { apiFunction } from 'api-deploy';
import { VAT } from './_rates';
import { money } from '../_lib/format';

export const total = apiFunction((net: number) => ({ gross: net * (1 + VAT), shown: money(net * (1 + VAT)) }));
`,
      'apis/billing/deep/nested/leaf.ts': `import { apiFunction } from 'api-deploy';
export const where = apiFunction(() => 'leaf');
`,
      'apis/_private/notes.ts': `import { apiFunction } from 'api-deploy';
export const note = apiFunction(() => 'never served');
`,
      'apis/libs.ts': `import { apiFunction } from 'api-deploy';
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const sha = apiFunction((text: string) => createHash('sha256').update(text).digest('hex'));
export const check = apiFunction(
  { params: z.object({ email: z.string().email() }) },
  ({ email }) => email.split('@')[1],
);
`,
      'apis/plain.js': `import { apiFunction } from 'api-deploy';

/** Greets, in plain JavaScript. */
export const greet = apiFunction((name = 'you') => 'hi ' + name);
export const echo = apiFunction((value) => ({ value }));
`,
      'apis/exports.ts': `import { apiFunction } from 'api-deploy';

const hidden = apiFunction(() => 'hidden');
const inner = apiFunction((n: number) => n + 1);
export const plain = (x: number) => x;
export function declared() {
  return 1;
}
export const VALUE = 42;
export class Thing {}
export const shown = apiFunction(() => 'shown, and ' + hidden());
export { inner as renamed };
export default apiFunction(() => 'default');
`,
      'apis/api.ts': GOOD,
      'apis/panel.ts': GOOD,
    });
    // A package from the project: the workspace resolves packages from its own node_modules.
    await symlink(PROJECT_NODE_MODULES, nodeModulesLink(), 'dir');
    await server.write(
      'apis/npm.ts',
      `import { apiFunction } from 'api-deploy';
import ms from 'ms';

export const millis = apiFunction((duration: string) => ms(duration));
`,
    );
    await reload(server);
    ({ endpoints, failedModules: failed } = await status(server));
  });
  afterAll(async () => {
    await unlink(nodeModulesLink());
    await server.stop();
  });

  it('serves exactly the endpoints of modules, none of helpers', () => {
    expect(endpoints.map((endpoint) => endpoint.path).sort()).toEqual([
      '/billing/deep/nested/leaf/where',
      '/billing/invoice/total',
      '/calc/price',
      '/calc/twice',
      '/exports/renamed',
      '/exports/shown',
      '/libs/check',
      '/libs/sha',
      '/npm/millis',
      '/plain/echo',
      '/plain/greet',
    ]);
  });

  it('runs functions that use helpers from _-prefixed files and folders', async () => {
    expectData(await ok(server, '/calc/twice', { n: 21 }), '/calc/twice', 42);
    expectData(await ok(server, '/calc/price', { cents: 250 }), '/calc/price', '5.00 EUR');
  });

  it('does not answer for helpers', async () => {
    expectError(await ok(server, '/_util/helperFn'), '/_util/helperFn', 404, 'ENDPOINT_NOT_FOUND');
    expectError(await ok(server, '/_util/double'), '/_util/double', 404, 'ENDPOINT_NOT_FOUND');
    expectError(await ok(server, '/_private/notes/note'), '/_private/notes/note', 404, 'ENDPOINT_NOT_FOUND');
    expectError(await ok(server, '/.hidden/secret'), '/.hidden/secret', 404, 'ENDPOINT_NOT_FOUND');
    expectError(await ok(server, '/billing/_rates/VAT'), '/billing/_rates/VAT', 404, 'ENDPOINT_NOT_FOUND');
  });

  it('makes sub-folders path segments', async () => {
    expectData(await ok(server, '/billing/invoice/total', { net: 1000 }), '/billing/invoice/total', {
      gross: 1200,
      shown: '12.00 EUR',
    });
    expectData(
      await ok(server, '/billing/deep/nested/leaf/where'),
      '/billing/deep/nested/leaf/where',
      'leaf',
    );
    const invoice = endpoints.find((endpoint) => endpoint.path === '/billing/invoice/total');
    expect(invoice).toMatchObject({
      module: 'billing/invoice',
      function: 'total',
      file: 'billing/invoice.ts',
    });
  });

  it('does not serve a sub-folder module under its bare file name', async () => {
    expectError(await ok(server, '/invoice/total', { net: 1 }), '/invoice/total', 404, 'ENDPOINT_NOT_FOUND');
  });

  it('runs node: built-ins', async () => {
    expectData(
      await ok(server, '/libs/sha', { text: 'abc' }),
      '/libs/sha',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it("runs zod imported as 'zod'", async () => {
    expectData(await ok(server, '/libs/check', { email: 'ada@example.org' }), '/libs/check', 'example.org');
    const refused = await ok(server, '/libs/check', { email: 'not an email' });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('VALIDATION_ERROR');
    expect(refused.json.details).toEqual([{ path: 'email', message: expect.any(String) }]);
  });

  it('runs a package from the project', async () => {
    expectData(await ok(server, '/npm/millis', { duration: '2h' }), '/npm/millis', 7_200_000);
  });

  it('runs a .js module, reading its parameters and JSDoc', async () => {
    expectData(await ok(server, '/plain/greet'), '/plain/greet', 'hi you');
    expectData(await ok(server, '/plain/greet', { name: 'Bo' }), '/plain/greet', 'hi Bo');
    expectData(await ok(server, '/plain/echo', { value: [1, { a: null }] }), '/plain/echo', {
      value: [1, { a: null }],
    });
    const typed = await ok(server, '/plain/greet', { name: 1 });
    expect(typed.status).toBe(422);
    expect(typed.json.details).toEqual([{ path: 'name', message: 'Expected string, received number 1' }]);
    const greet = endpoints.find((endpoint) => endpoint.path === '/plain/greet');
    expect(greet).toMatchObject({ file: 'plain.js', description: 'Greets, in plain JavaScript.' });
  });

  it('serves only exported apiFunctions, including under an export alias', async () => {
    expectData(await ok(server, '/exports/shown'), '/exports/shown', 'shown, and hidden');
    expectData(await ok(server, '/exports/renamed', { n: 1 }), '/exports/renamed', 2);
    const refused = await ok(server, '/exports/renamed', { n: '1' });
    expect(refused.status).toBe(422);
    for (const name of ['hidden', 'inner', 'plain', 'declared', 'VALUE', 'Thing', 'default']) {
      expectError(await ok(server, `/exports/${name}`), `/exports/${name}`, 404, 'ENDPOINT_NOT_FOUND');
    }
  });

  it('refuses modules named api and panel: the names are reserved', () => {
    expect(failed).toEqual([
      {
        module: 'api',
        file: 'api.ts',
        message: `the name "api" is reserved for the runtime's own routes; rename the file or folder`,
      },
      {
        module: 'panel',
        file: 'panel.ts',
        message: `the name "panel" is reserved for the runtime's own routes; rename the file or folder`,
      },
    ]);
  });

  it('keeps the admin route /api/reload working beside a refused api.ts', async () => {
    const answer = await server.get(`/api/reload?token=${ADMIN}`);
    expect(answer.status).toBe(200);
    expect(answer.json.data.failed.map((entry: LoadError) => entry.module)).toEqual(['api', 'panel']);
  });
});

describe('the last good version of a module', () => {
  let server: TestServer;
  const V1 = `import { apiFunction } from 'api-deploy';
import { label } from './_shared';

export const version = apiFunction(() => label + ' 1');
export const only_in_v1 = apiFunction(() => 'old');
`;

  beforeAll(async () => {
    server = await startServer({
      'apis/_shared.ts': `export const label = 'v';\n`,
      'apis/m.ts': V1,
      'apis/other.ts': GOOD,
      'apis/gone.ts': `import { apiFunction } from 'api-deploy';
export const here = apiFunction(() => 'here');
`,
    });
  });
  afterAll(() => server.stop());

  it('serves the first version', async () => {
    expectData(await ok(server, '/m/version'), '/m/version', 'v 1');
    expect((await status(server)).failedModules).toEqual([]);
  });

  it('keeps the old version serving when a save breaks the module, and lists the failure', async () => {
    await server.write(
      'apis/m.ts',
      `import { apiFunction } from 'api-deploy';

export const version = apiFunction(() => 'v 2'
`,
    );
    const result = await reload(server);
    expect(result.failed).toEqual([
      {
        module: 'm',
        file: 'm.ts',
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.any(String),
      },
    ]);
    expectData(await ok(server, '/m/version'), '/m/version', 'v 1');
    expectData(await ok(server, '/m/only_in_v1'), '/m/only_in_v1', 'old');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
    const page = await status(server);
    expect(page.failedModules.map((entry) => entry.module)).toEqual(['m']);
    expect(page.endpoints.map((endpoint) => endpoint.path)).toContain('/m/version');
  });

  it('keeps the old version when a throw at load breaks it', async () => {
    await server.write(
      'apis/m.ts',
      `import { apiFunction } from 'api-deploy';
export const version = apiFunction(() => 'v 2');
throw new Error('not today');
`,
    );
    const result = await reload(server);
    expect(result.failed).toEqual([
      { module: 'm', file: 'm.ts', line: 3, column: 7, message: 'Error: not today' },
    ]);
    expectData(await ok(server, '/m/version'), '/m/version', 'v 1');
  });

  it('serves the new version once the file is fixed, and clears the failure', async () => {
    await server.write(
      'apis/m.ts',
      `import { apiFunction } from 'api-deploy';
import { label } from './_shared';

export const version = apiFunction(() => label + ' 2');
`,
    );
    const result = await reload(server);
    expect(result.failed).toEqual([]);
    expectData(await ok(server, '/m/version'), '/m/version', 'v 2');
    expectError(await ok(server, '/m/only_in_v1'), '/m/only_in_v1', 404, 'ENDPOINT_NOT_FOUND');
    expect((await status(server)).failedModules).toEqual([]);
  });

  it('keeps the last good version when a helper it imports breaks', async () => {
    await server.write('apis/_shared.ts', `export const label = ;\n`);
    const result = await reload(server);
    expect(result.failed).toEqual([
      { module: 'm', file: '_shared.ts', line: 1, column: 22, message: 'Unexpected ";"' },
    ]);
    expectData(await ok(server, '/m/version'), '/m/version', 'v 2');
    await server.write('apis/_shared.ts', `export const label = 'w';\n`);
    expect((await reload(server)).failed).toEqual([]);
    expectData(await ok(server, '/m/version'), '/m/version', 'w 2');
  });

  it('removes the endpoints of a deleted module', async () => {
    expectData(await ok(server, '/gone/here'), '/gone/here', 'here');
    await rm(path.join(server.dir, 'apis/gone.ts'));
    const result = await reload(server);
    expect(result.failed).toEqual([]);
    expectError(await ok(server, '/gone/here'), '/gone/here', 404, 'ENDPOINT_NOT_FOUND');
    expect((await status(server)).endpoints.map((endpoint) => endpoint.path)).not.toContain('/gone/here');
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong');
  });

  it('forgets a failing module, and its last good version, once its file is deleted', async () => {
    await server.write('apis/m.ts', `export const = broken`);
    expect((await reload(server)).failed.map((entry) => entry.module)).toEqual(['m']);
    expectData(await ok(server, '/m/version'), '/m/version', 'w 2');
    await rm(path.join(server.dir, 'apis/m.ts'));
    expect((await reload(server)).failed).toEqual([]);
    expect((await status(server)).failedModules).toEqual([]);
    expectError(await ok(server, '/m/version'), '/m/version', 404, 'ENDPOINT_NOT_FOUND');
  });
});

describe('two files for one module name, the first of them broken', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ 'apis/other.ts': GOOD });
  });
  afterAll(() => server.stop());

  // Two files for one module (dup.js beside dup.ts) fail that module only, never the reload.
  it('lists the clash as a failure and keeps reloading the other modules', async () => {
    await server.write('apis/dup.js', `export const = ;\n`);
    await server.write('apis/dup.ts', GOOD);
    await server.write(
      'apis/other.ts',
      `import { apiFunction } from 'api-deploy';
export const ping = apiFunction(() => 'pong 2');
`,
    );
    const answer = await server.get(`/api/reload?token=${ADMIN}`);
    expect(answer.status).toBe(200);
    expect(answer.json.data.failed.map((entry: LoadError) => entry.module)).toEqual(['dup']);
    expectData(await ok(server, '/other/ping'), '/other/ping', 'pong 2');
  });
});
