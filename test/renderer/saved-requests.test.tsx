// @vitest-environment jsdom
// The request panel's saved requests: save the current request (endpoint, body, which kind of
// token, never a value; optionally the data expected back), list, load, delete, run one, and
// run all into a pass/fail table; and the copy buttons for curl, fetch, Python and HTTPie.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route } from 'wouter';
import { forgetToken, rememberToken } from '../../src/renderer/src/token-memory.js';
import { RequestView } from '../../src/renderer/src/views/request.js';
import type { SavedRequest } from '../../src/shared/admin-api.js';
import { deferred, errorReply, json, okReply, type ApiCall } from './helpers/fake-api.js';
import { fake } from './helpers/fake-monaco.js';
import { AREA, HELLO, registry, status } from './helpers/fixtures.js';
import { ADMIN_TOKEN, renderView, setupPanelTest } from './helpers/render.js';

// Monaco cannot run in jsdom: the body editor is a textarea over fake models (helpers/fake-monaco.tsx).
vi.mock('../../src/renderer/src/editor/monaco-core.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoCoreModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();
afterEach(() => fake.reset());
const BUSINESS = {
  id: 'b1',
  label: 'billing service',
  value: 'remembered-business-value',
  role: 'business' as const,
};
const PASTED = 'pasted-business-value';

afterEach(() => forgetToken(BUSINESS.id));

function TryRoute() {
  return (
    <Route path="/try/*?">
      {(params) => <RequestView endpoint={params['*'] ? `/${params['*']}` : undefined} />}
    </Route>
  );
}

const at = '2025-01-01T00:00:00.000Z';
function saved(fields: Partial<SavedRequest> & Pick<SavedRequest, 'id' | 'name'>): SavedRequest {
  return {
    endpoint: AREA.path,
    body: { w: 2, h: 3 },
    tokenKind: 'admin',
    created: at,
    updated: at,
    ...fields,
  };
}

/** The saved requests the fake server keeps, changed by POST, PUT and DELETE as the runtime does. */
let store: SavedRequest[] = [];
afterEach(() => (store = []));

function serve(initial: SavedRequest[] = []) {
  store = [...initial];
  test.api.ok('GET', '/api/endpoints', registry());
  test.api.ok('GET', '/api/status', status());
  test.api.ok('GET', '/api/logs', { entries: [] });
  test.api.ok('GET', '/api/requests', () => ({ requests: store }));
  test.api.on('POST', '/api/requests', (call) => {
    const input = call.body as Omit<SavedRequest, 'id' | 'created' | 'updated'>;
    const created = { id: `id${store.length + 1}`, ...input, created: at, updated: at };
    store.push(created);
    return okReply(created, '/api/requests');
  });
  // The area of w × h; a 401 without a token, as the runtime answers.
  test.api.on('POST', AREA.path, (call) => {
    if (!call.headers.get('authorization')) {
      return errorReply(401, 'MISSING_TOKEN', 'A token is required', { endpoint: AREA.path });
    }
    const { w, h } = (call.body as { body: { w: number; h: number } }).body;
    return json({ success: true, data: { area: w * h, unit: 'm²' }, endpoint: AREA.path });
  });
  test.api.on('POST', HELLO.path, () =>
    json({ success: true, data: { message: 'Hello, World!' }, endpoint: HELLO.path }),
  );
}

function open(path: string, initial: SavedRequest[] = []) {
  serve(initial);
  return renderView(test, <TryRoute />, { path });
}

const section = () => screen.getByRole('region', { name: 'Saved requests' });
const bodyBox = () => screen.getByLabelText('Body (the parameters, as JSON)') as HTMLTextAreaElement;
const resultRows = () =>
  within(screen.getByRole('table', { name: 'Run results' }))
    .getAllByRole('row')
    .slice(1);
const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent);

async function selected(path: string) {
  await waitFor(() => expect((screen.getByLabelText('Endpoint') as HTMLSelectElement).value).toBe(path));
  await screen.findByLabelText('Body (the parameters, as JSON)');
}

describe('saving a request', () => {
  it('saves the endpoint, body, token kind and expected data, never a token value', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    fireEvent.change(bodyBox(), { target: { value: '{"w": 4, "h": 5}' } });
    await within(section()).findByText(/No saved requests yet/);

    await user.type(screen.getByLabelText('Name'), '  area of 4 by 5 ');
    expect((screen.getByLabelText('Send with') as HTMLSelectElement).value).toBe('admin');
    await user.selectOptions(screen.getByLabelText('Send with'), 'business');
    fireEvent.change(screen.getByLabelText('Expected data (optional JSON)'), {
      target: { value: '{"area": 20}' },
    });
    await user.click(within(section()).getByRole('button', { name: /^Save/ }));

    await waitFor(() => expect(test.api.callsTo('POST', '/api/requests')).toHaveLength(1));
    const [call] = test.api.callsTo('POST', '/api/requests');
    expect(call!.body).toEqual({
      name: 'area of 4 by 5',
      endpoint: AREA.path,
      body: { w: 4, h: 5 },
      tokenKind: 'business',
      expect: { area: 20 },
    });
    expect(JSON.stringify(call!.body)).not.toContain(ADMIN_TOKEN);
    const list = await within(section()).findByRole('table', { name: 'Saved requests list' });
    expect(within(list).getByText('area of 4 by 5')).toBeTruthy();
    expect(within(list).getByText('{"area":20}')).toBeTruthy();
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');
  });

  it('takes the kind of the token the panel is set to, and leaves out an empty expectation', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'No token');
    await waitFor(() => expect((screen.getByLabelText('Send with') as HTMLSelectElement).value).toBe('none'));
    await user.type(screen.getByLabelText('Name'), 'anonymous');
    await user.click(within(section()).getByRole('button', { name: /^Save/ }));
    await waitFor(() => expect(test.api.callsTo('POST', '/api/requests')).toHaveLength(1));
    const body = test.api.callsTo('POST', '/api/requests')[0]!.body as Record<string, unknown>;
    expect(body.tokenKind).toBe('none');
    expect('expect' in body).toBe(false);
  });

  it('refuses expected data that is not JSON, and a body that is not JSON', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.type(screen.getByLabelText('Name'), 'x');
    const save = within(section()).getByRole('button', { name: /^Save/ }) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText('Expected data (optional JSON)'), {
      target: { value: '{"area": ' },
    });
    expect(save.disabled).toBe(true);
    expect(screen.getByText(/^Not valid JSON: /)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Expected data (optional JSON)'), { target: { value: '' } });
    expect(save.disabled).toBe(false);
    fireEvent.change(bodyBox(), { target: { value: '{"w": ' } });
    expect(save.disabled).toBe(true);
  });

  it('replaces the request of the same name (PUT), and shows the server’s refusal', async () => {
    const { user } = open('/try/geometry/area', [saved({ id: 'r1', name: 'Area' })]);
    await selected(AREA.path);
    await within(section()).findByText('Area');
    test.api.fail(
      'PUT',
      '/api/requests/r1',
      422,
      'VALIDATION_ERROR',
      'A saved request keeps which kind of token it is sent with, never a token value',
      [{ path: 'body.w', message: 'holds a token value' }],
    );
    await user.type(screen.getByLabelText('Name'), 'area');
    expect(screen.getByText('"Area" exists: saving replaces it.')).toBeTruthy();
    await user.click(within(section()).getByRole('button', { name: /^Replace/ }));
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toContain('Could not save the request');
    expect(alert.textContent).toContain('holds a token value');
    expect(test.api.callsTo('PUT', '/api/requests/r1')[0]!.body).toMatchObject({ name: 'area' });
  });

  it('says so when the saved requests file is broken', async () => {
    serve();
    test.api.fail(
      'GET',
      '/api/requests',
      409,
      'REQUESTS_FILE_INVALID',
      'The saved requests file .api-deploy/requests.json is not valid JSON; fix or remove it (nothing was changed)',
    );
    renderView(test, <TryRoute />, { path: '/try/geometry/area' });
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toContain('Could not read the saved requests');
    expect(alert.textContent).toContain('.api-deploy/requests.json is not valid JSON');
  });
});

describe('the saved list', () => {
  it('loads a saved request into the panel: endpoint, body and a token of its kind', async () => {
    const { user, path } = open('/try/template/sync_hello', [
      saved({ id: 'r1', name: 'big', body: { w: 10, h: 20 }, tokenKind: 'none' }),
    ]);
    await selected(HELLO.path);
    await user.click(await within(section()).findByRole('button', { name: 'Load big' }));
    expect(path()).toBe('/try/geometry/area');
    await selected(AREA.path);
    await waitFor(() => expect(bodyBox().value).toBe(JSON.stringify({ w: 10, h: 20 }, null, 2)));
    expect((screen.getByLabelText('Token') as HTMLSelectElement).value).toBe('none');
  });

  it('deletes after a confirmation', async () => {
    const { user } = open('/try/geometry/area', [saved({ id: 'r1', name: 'old' })]);
    test.api.on('DELETE', '/api/requests/r1', () => {
      store = [];
      return okReply({ id: 'r1', deleted: true }, '/api/requests/r1');
    });
    await user.click(await within(section()).findByRole('button', { name: 'Delete old' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('old');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await within(section()).findByText(/No saved requests yet/);
    expect(test.api.callsTo('DELETE', '/api/requests/r1')).toHaveLength(1);
  });
});

describe('running saved requests', () => {
  const SUITE = [
    saved({ id: 'r1', name: 'area matches', expect: { area: 6 } }),
    saved({ id: 'r2', name: 'area differs', body: { w: 2, h: 3.5 }, expect: { area: 7.5, unit: 'm²' } }),
    saved({ id: 'r3', name: 'no token', tokenKind: 'none' }),
    saved({ id: 'r4', name: 'as a client', tokenKind: 'business', expect: { area: 6 } }),
    saved({ id: 'r5', name: 'hello', endpoint: HELLO.path, body: {}, tokenKind: 'none' }),
  ];

  it("runs with the chosen environment's variables in the saved bodies, and names an unknown one", async () => {
    localStorage.setItem(
      'api-deploy.environments',
      JSON.stringify({
        active: 'dev',
        environments: [{ name: 'dev', variables: [{ name: 'who', value: 'Ann' }] }],
      }),
    );
    const { user } = open('/try/template/sync_hello', [
      saved({ id: 'a', name: 'greets who', endpoint: HELLO.path, body: { name: '{{who}}' } }),
      saved({ id: 'b', name: 'greets whom', endpoint: HELLO.path, body: { name: '{{whom}}' } }),
    ]);
    await user.click(await within(section()).findByRole('button', { name: 'Run all' }));
    await within(section()).findByText('1 of 2 passed');
    expect(test.api.callsTo('POST', HELLO.path).map((call) => call.body)).toEqual([
      { body: { name: 'Ann' } },
    ]);
    expect(cells(resultRows()[1]!)[4]).toBe(
      'fail not sent: {{whom}} is not defined in the environment "dev"',
    );
  });

  it('runs them all one after the other into a pass/fail table with the reasons', async () => {
    const { user } = open('/try/geometry/area', SUITE);
    // The first answer is held: nothing else is sent until it comes.
    const held = deferred<Response>();
    const area = test.api.callsTo.bind(test.api, 'POST', AREA.path);
    let first = true;
    const answerArea = (call: ApiCall) => {
      const { w, h } = (call.body as { body: { w: number; h: number } }).body;
      if (!call.headers.get('authorization')) {
        return errorReply(401, 'MISSING_TOKEN', 'A token is required', { endpoint: AREA.path });
      }
      return json({ success: true, data: { area: w * h, unit: 'm²' }, endpoint: AREA.path });
    };
    test.api.on('POST', AREA.path, (call) => {
      if (first) {
        first = false;
        return held.promise.then(() => answerArea(call));
      }
      return answerArea(call);
    });

    await user.click(await within(section()).findByRole('button', { name: 'Run all' }));
    await waitFor(() => expect(area()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(area()).toHaveLength(1);
    expect(screen.getByRole('button', { name: /Running…/ })).toBeTruthy();
    held.resolve(new Response());

    await within(section()).findByText('2 of 5 passed');
    const rows = resultRows();
    expect(rows.map(cells).map(([name, endpoint, code]) => [name, endpoint, code])).toEqual([
      ['area matches', AREA.path, '200'],
      ['area differs', AREA.path, '200'],
      ['no token', AREA.path, '401'],
      ['as a client', AREA.path, '—'],
      ['hello', HELLO.path, '200'],
    ]);
    const result = rows.map((row) => cells(row)[4]);
    expect(result[0]).toBe('pass status 200, data matches');
    expect(result[1]).toBe('fail data.area: expected 7.5, got 7');
    expect(result[2]).toBe('fail status 401 MISSING_TOKEN, expected 2xx');
    expect(result[3]).toBe('not run needs a business token: paste one');
    expect(result[4]).toBe('pass status 200');
    expect(cells(rows[0]!)[3]).toMatch(/^\d+ ms$/);
    expect(rows.map((row) => row.dataset.verdict)).toEqual(['pass', 'fail', 'fail', 'needs-token', 'pass']);

    // Sent in order, each with the token of its kind; the business one not at all.
    const sent = test.api.calls.filter((call) => !call.path.startsWith('/api/'));
    expect(sent.map((call) => [call.path, call.headers.get('authorization')])).toEqual([
      [AREA.path, `Bearer ${ADMIN_TOKEN}`],
      [AREA.path, `Bearer ${ADMIN_TOKEN}`],
      [AREA.path, null],
      [HELLO.path, null],
    ]);
    expect(sent[1]!.body).toEqual({ body: { w: 2, h: 3.5 } });
  });

  it('sends a business token pasted for the run, from a password field, never stored', async () => {
    test.secrets.add(PASTED);
    const { user } = open('/try/geometry/area', [SUITE[3]!]);
    await user.click(await within(section()).findByRole('button', { name: 'Run all' }));
    await within(section()).findByText('needs a business token: paste one');
    expect(test.api.callsTo('POST', AREA.path)).toEqual([]);

    const field = screen.getByLabelText('Business token for runs') as HTMLInputElement;
    expect(field.type).toBe('password');
    await user.type(field, PASTED);
    await user.click(within(section()).getByRole('button', { name: 'Run as a client' }));
    await within(section()).findByText('1 of 1 passed');
    expect(test.api.callsTo('POST', AREA.path)[0]!.headers.get('authorization')).toBe(`Bearer ${PASTED}`);
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('sends a business token created in this session', async () => {
    test.secrets.add(BUSINESS.value);
    rememberToken({ id: 'a9', label: 'ops', value: 'remembered-admin-value', role: 'admin' });
    rememberToken(BUSINESS);
    const { user } = open('/try/geometry/area', [SUITE[3]!]);
    const field = (await screen.findByLabelText('Business token for runs')) as HTMLInputElement;
    expect(field.placeholder).toContain('billing service (created in this session)');
    await user.click(within(section()).getByRole('button', { name: 'Run all' }));
    await within(section()).findByText('1 of 1 passed');
    expect(test.api.callsTo('POST', AREA.path)[0]!.headers.get('authorization')).toBe(
      `Bearer ${BUSINESS.value}`,
    );
    forgetToken('a9');
  });

  it('runs one, and reports a call that does not complete as a failure', async () => {
    const { user } = open('/try/geometry/area', SUITE);
    test.api.on('POST', HELLO.path, () => Promise.reject(new TypeError('Failed to fetch')));
    await user.click(await within(section()).findByRole('button', { name: 'Run hello' }));
    await within(section()).findByText('0 of 1 passed');
    expect(cells(resultRows()[0]!)[4]).toBe('fail the call did not complete: Failed to fetch');
    expect(test.api.callsTo('POST', AREA.path)).toEqual([]);
  });

  it('fails an answer that is not JSON when data is expected', async () => {
    const { user } = open('/try/geometry/area', [SUITE[0]!]);
    test.api.on('POST', AREA.path, () => new Response('ok', { status: 200 }));
    await user.click(await within(section()).findByRole('button', { name: 'Run all' }));
    await within(section()).findByText('0 of 1 passed');
    expect(cells(resultRows()[0]!)[4]).toBe('fail status 200, but the answer is not JSON');
  });
});

describe('copying a call', () => {
  it('as curl, fetch, Python and HTTPie, with the body typed and the token a variable', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    fireEvent.change(bodyBox(), { target: { value: `{"w": 2, "h": 3, "note": "it's $5"}` } });
    const copied: Record<string, string> = {};
    for (const label of ['Copy as curl', 'Copy as fetch', 'Copy as Python', 'Copy as HTTPie']) {
      await user.click(screen.getByRole('button', { name: label }));
      copied[label] = test.clipboard.text!;
    }
    expect(copied['Copy as curl']).toContain(`-d '{"body":{"w":2,"h":3,"note":"it'\\''s $5"}}'`);
    expect(copied['Copy as fetch']).toContain(
      `body: JSON.stringify({"body":{"w":2,"h":3,"note":"it's $5"}})`,
    );
    expect(copied['Copy as Python']).toContain(`json={"body": {"w": 2, "h": 3, "note": "it's $5"}}`);
    expect(copied['Copy as HTTPie']).toContain(`--raw '{"body":{"w":2,"h":3,"note":"it'\\''s $5"}}'`);
    for (const text of Object.values(copied)) {
      expect(text).toContain('API_DEPLOY_TOKEN');
      expect(text).not.toContain(ADMIN_TOKEN);
      expect(text).toContain('http://127.0.0.1:8000/geometry/area');
    }
  });

  it('without the header when no token is sent', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'No token');
    await user.click(screen.getByRole('button', { name: 'Copy as Python' }));
    expect(test.clipboard.text).not.toContain('Authorization');
  });
});
