// Saved requests (issue 16, part 4): kept per workspace in .api-deploy/requests.json beside the
// config, written atomically and one change at a time, validated on every read (a broken file is
// reported, never written over), and never holding a token value, only which kind to send.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS, startServer, type TestServer } from '../helpers/server.js';

const ADMIN_AUTH = { authorization: `Bearer ${ADMIN}` };
const PRICE = { name: 'two teas', endpoint: '/shop/price', body: { sku: 'TEA', quantity: 2 } };

describe('saved requests', () => {
  let server: TestServer;
  let file: string;
  beforeAll(async () => {
    server = await startServer({});
    file = path.join(server.dir, '.api-deploy', 'requests.json');
  });
  afterAll(() => server.stop());
  beforeEach(() => rm(path.join(server.dir, '.api-deploy'), { recursive: true, force: true }));

  const list = () => server.get('/api/requests', ADMIN_AUTH);
  const create = (input: unknown) => server.post('/api/requests', input, ADMIN_AUTH);
  const update = (id: string, input: unknown) =>
    server.request('PUT', `/api/requests/${id}`, input, ADMIN_AUTH);
  const remove = (id: string) => server.request('DELETE', `/api/requests/${id}`, undefined, ADMIN_AUTH);
  const onDisk = async () => JSON.parse(await readFile(file, 'utf8'));

  it('lists none before the first is saved, and writes no file for it', async () => {
    const answer = await list();
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual({ requests: [] });
    await expect(readdir(server.dir)).resolves.not.toContain('.api-deploy');
  });

  it('creates, lists, replaces and deletes; the file beside the config holds what is listed', async () => {
    const created = await create({ ...PRICE, tokenKind: 'business', expect: { total: 7.2 } });
    expect(created.status).toBe(200);
    const saved = created.json.data;
    expect(saved).toEqual({
      id: expect.stringMatching(/^[a-z0-9]+$/),
      ...PRICE,
      tokenKind: 'business',
      expect: { total: 7.2 },
      created: expect.any(String),
      updated: saved.created,
    });
    const other = (await create({ name: 'hello', endpoint: '/template/sync_hello', tokenKind: 'none' })).json
      .data;
    expect(other.body).toEqual({}); // the body defaults to no parameters
    expect(other.expect).toBeUndefined();

    expect((await list()).json.data.requests).toEqual([saved, other]);
    expect(await onDisk()).toEqual({ version: 1, requests: [saved, other] });

    // PUT replaces the fields: an `expect` left out is removed; id and created stay.
    const replaced = await update(saved.id, { ...PRICE, name: 'three teas', tokenKind: 'admin' });
    expect(replaced.status).toBe(200);
    expect(replaced.json.data).toEqual({
      id: saved.id,
      ...PRICE,
      name: 'three teas',
      tokenKind: 'admin',
      created: saved.created,
      updated: expect.any(String),
    });
    expect((await onDisk()).requests[0]).toEqual(replaced.json.data);

    const deleted = await remove(saved.id);
    expect(deleted.json.data).toEqual({ id: saved.id, deleted: true });
    expect((await list()).json.data.requests).toEqual([other]);
    expect((await remove(saved.id)).json).toMatchObject({ code: 'REQUEST_NOT_FOUND' });
    expect((await update('nothere', { ...PRICE, tokenKind: 'none' })).status).toBe(404);
  });

  it('needs the admin token', async () => {
    expect((await server.get('/api/requests')).status).toBe(401);
    expect((await server.get('/api/requests', { authorization: `Bearer ${BUSINESS}` })).status).toBe(403);
    const business = await server.post(
      '/api/requests',
      { ...PRICE, tokenKind: 'none' },
      { authorization: `Bearer ${BUSINESS}` },
    );
    expect(business.status).toBe(403);
    await expect(readdir(server.dir)).resolves.not.toContain('.api-deploy');
  });

  it('refuses a name already taken (ignoring case) with 409, on create and on rename', async () => {
    const first = (await create({ ...PRICE, tokenKind: 'none' })).json.data;
    const again = await create({ ...PRICE, name: ' Two Teas ', tokenKind: 'admin' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ success: false, code: 'REQUEST_NAME_TAKEN' });
    const second = (await create({ ...PRICE, name: 'one tea', tokenKind: 'none' })).json.data;
    expect((await update(second.id, { ...PRICE, name: 'TWO TEAS', tokenKind: 'none' })).status).toBe(409);
    // Its own name is not taken from itself.
    expect((await update(first.id, { ...PRICE, name: 'Two teas', tokenKind: 'none' })).status).toBe(200);
    expect((await list()).json.data.requests.map((request: { name: string }) => request.name)).toEqual([
      'Two teas',
      'one tea',
    ]);
  });

  it('validates: 400 for a body that is not JSON, 422 naming the field otherwise', async () => {
    const notJson = await server.post('/api/requests', '{"name": ', ADMIN_AUTH);
    expect(notJson.status).toBe(400);
    expect(notJson.json.code).toBe('INVALID_JSON');

    const cases: [unknown, string][] = [
      [{ ...PRICE, name: '', tokenKind: 'none' }, 'name'],
      [{ ...PRICE, name: 'x'.repeat(81), tokenKind: 'none' }, 'name'],
      [{ ...PRICE, name: 'tab\there', tokenKind: 'none' }, 'name'],
      [{ ...PRICE, endpoint: 'shop/price', tokenKind: 'none' }, 'endpoint'],
      [{ ...PRICE, endpoint: '/shop', tokenKind: 'none' }, 'endpoint'],
      [{ ...PRICE, body: [1, 2], tokenKind: 'none' }, 'body'],
      [{ ...PRICE, body: { blob: 'x'.repeat(70_000) }, tokenKind: 'none' }, 'body'],
      [{ ...PRICE, tokenKind: 'root' }, 'tokenKind'],
      [{ ...PRICE }, 'tokenKind'],
      [{ ...PRICE, tokenKind: 'none', expect: { big: 'x'.repeat(70_000) } }, 'expect'],
      // No field holds a token value: an unknown key is refused, whatever it is called.
      [{ ...PRICE, tokenKind: 'business', tokenValue: BUSINESS }, 'tokenValue'],
      [{ ...PRICE, tokenKind: 'business', authorization: `Bearer ${BUSINESS}` }, 'authorization'],
    ];
    for (const [input, field] of cases) {
      const answer = await create(input);
      expect(answer.status, JSON.stringify(input).slice(0, 120)).toBe(422);
      expect(answer.json.code).toBe('VALIDATION_ERROR');
      expect(answer.json.details.map((detail: { path: string }) => detail.path)).toContain(field);
    }
    await expect(readdir(server.dir)).resolves.not.toContain('.api-deploy');
  });

  it('never stores a token value: one pasted into the body, name or expect is refused', async () => {
    const cases: [unknown, string][] = [
      [{ ...PRICE, body: { sku: BUSINESS }, tokenKind: 'business' }, 'body.sku'],
      [{ ...PRICE, body: { auth: { header: `Bearer ${ADMIN}` } }, tokenKind: 'admin' }, 'body.auth.header'],
      [{ ...PRICE, body: { list: ['a', BUSINESS] }, tokenKind: 'business' }, 'body.list.1'],
      [{ ...PRICE, body: { [BUSINESS]: 1 }, tokenKind: 'business' }, 'body (a key)'],
      [{ ...PRICE, name: `with ${ADMIN}`, tokenKind: 'admin' }, 'name'],
      [{ ...PRICE, tokenKind: 'business', expect: { token: BUSINESS } }, 'expect.token'],
    ];
    for (const [input, where] of cases) {
      const answer = await create(input);
      expect(answer.status).toBe(422);
      expect(answer.json.details).toEqual([{ path: where, message: 'holds a token value' }]);
      expect(answer.text).not.toContain(BUSINESS);
      expect(answer.text).not.toContain(ADMIN);
    }

    // The admin token sent in the body (as admin endpoints accept it) authorises, and is dropped.
    const inBody = await server.post('/api/requests', { ...PRICE, tokenKind: 'admin', token: ADMIN });
    expect(inBody.status).toBe(200);
    expect(inBody.json.data.token).toBeUndefined();
    await create({ name: 'b', endpoint: '/shop/price', body: { sku: 'TEA' }, tokenKind: 'business' });
    const { id } = inBody.json.data;
    await update(id, { ...PRICE, tokenKind: 'business', token: ADMIN });

    // grep the file: neither of the runtime's tokens is in it, only kinds.
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(ADMIN);
    expect(text).not.toContain(BUSINESS);
    expect(text).not.toMatch(/"token"/);
    expect((await onDisk()).requests.map((request: { tokenKind: string }) => request.tokenKind)).toEqual([
      'business',
      'business',
    ]);
  });

  it('writes atomically, one change at a time: concurrent creates all land and the file stays valid', async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        create({
          name: `call ${index}`,
          endpoint: '/shop/price',
          body: { quantity: index },
          tokenKind: 'none',
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const names = (await onDisk()).requests.map((request: { name: string }) => request.name);
    expect(names.sort()).toEqual(Array.from({ length: 25 }, (_, index) => `call ${index}`).sort());
    // No temporary file is left beside it.
    expect(await readdir(path.dirname(file))).toEqual(['requests.json']);

    // Two creates of one name at once: exactly one wins.
    const twins = await Promise.all([1, 2].map(() => create({ ...PRICE, tokenKind: 'none' })));
    expect(twins.map((answer) => answer.status).sort()).toEqual([200, 409]);
  });

  it('reports a broken file and never writes over it', async () => {
    await create({ ...PRICE, tokenKind: 'none' });
    const cases = [
      '{"version": 1, "requests": [', // cut short
      JSON.stringify({ version: 1, requests: [{ name: 'x' }] }), // not a saved request
      JSON.stringify({
        version: 1,
        requests: [
          {
            id: 'abc',
            ...PRICE,
            tokenKind: 'business',
            token: BUSINESS, // no such field: a hand-edited value is not taken in
            created: '2025-01-01T00:00:00.000Z',
            updated: '2025-01-01T00:00:00.000Z',
          },
        ],
      }),
    ];
    for (const broken of cases) {
      await writeFile(file, broken);
      const listed = await list();
      expect(listed.status).toBe(409);
      expect(listed.json.code).toBe('REQUESTS_FILE_INVALID');
      expect(listed.json.error).toMatch(/^The saved requests file \.api-deploy\/requests\.json /);
      expect(listed.json.error).toContain('fix or remove it');
      expect(listed.text).not.toContain(BUSINESS);

      const changes = [
        await create({ ...PRICE, name: 'new', tokenKind: 'none' }),
        await update('abc', { ...PRICE, tokenKind: 'none' }),
        await remove('abc'),
      ];
      expect(changes.map((answer) => answer.json.code)).toEqual([
        'REQUESTS_FILE_INVALID',
        'REQUESTS_FILE_INVALID',
        'REQUESTS_FILE_INVALID',
      ]);
      expect(await readFile(file, 'utf8')).toBe(broken);
    }
    expect((await list()).json.error).toContain('requests.0: Unrecognized key: "token"');
    const twice = { id: 'abc', ...PRICE, tokenKind: 'none', created: 'x', updated: 'x' };
    await writeFile(file, JSON.stringify({ version: 1, requests: [twice, { ...twice, name: 'other' }] }));
    expect((await list()).json.error).toContain('requests.1.id: an id used twice');

    // Removed, the workspace starts again with none.
    await rm(file);
    expect((await list()).json.data.requests).toEqual([]);
  });
});
