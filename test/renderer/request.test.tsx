// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Route } from 'wouter';
import { keys } from '../../src/renderer/src/api/hooks.js';
import { BODY_MODEL_URI, type SchemaAssociation } from '../../src/renderer/src/request/body-schema.js';
import { forgetToken, rememberToken } from '../../src/renderer/src/token-memory.js';
import { RequestView } from '../../src/renderer/src/views/request.js';
import type { LogEntry } from '../../src/shared/admin-api.js';
import { deferred, errorReply, type ApiCall } from './helpers/fake-api.js';
import { fake } from './helpers/fake-monaco.js';
import { AREA, HELLO, registry, status } from './helpers/fixtures.js';
import {
  ADMIN_TOKEN,
  renderView,
  setupPanelTest,
  testQueryClient,
  type RenderOptions,
} from './helpers/render.js';

// Monaco cannot run in jsdom: the body editor is a textarea over fake models (helpers/fake-monaco.tsx).
vi.mock('../../src/renderer/src/editor/monaco-core.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoCoreModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();
afterEach(() => fake.reset());
const HISTORY_KEY = 'api-deploy.history';
const REPLAY_KEY = 'api-deploy.replay';
const CREATED = { id: 'c0ffee', label: 'billing service', value: 'created-token-value' };
const PASTED = 'pasted-token-value';

afterEach(() => forgetToken(CREATED.id));

/** The request panel under its route, as the layout mounts it. */
function TryRoute() {
  return (
    <Route path="/try/*?">
      {(params) => <RequestView endpoint={params['*'] ? `/${params['*']}` : undefined} />}
    </Route>
  );
}

/** The admin API the panel reads, and the business endpoints, answering as the runtime does. */
function serve() {
  test.api.ok('GET', '/api/endpoints', registry());
  test.api.ok('GET', '/api/status', status());
  // The saved requests (none here: test/renderer/saved-requests.test.tsx has them).
  test.api.ok('GET', '/api/requests', { requests: [] });
  // The function's own lines of a call, by its request id (none unless a test says so).
  test.api.ok('GET', '/api/logs', (call: ApiCall) => ({
    entries: appLines.get(call.query.get('requestId')!) ?? [],
  }));
  test.api.on('POST', HELLO.path, (call) => {
    const name = (call.body as { body?: { name?: string } }).body?.name ?? 'World';
    return answer(200, 'OK', { success: true, data: { message: `Hello, ${name}!` }, endpoint: HELLO.path });
  });
  test.api.on('POST', AREA.path, (call) => {
    if (!call.headers.get('authorization')) {
      return errorReply(401, 'MISSING_TOKEN', 'Token is required', { endpoint: AREA.path });
    }
    const { w, h } = (call.body as { body: { w: number; h: number } }).body;
    return answer(200, 'OK', { success: true, data: { area: w * h }, endpoint: AREA.path });
  });
}

/** The `app` lines logged under a request id. */
const appLines = new Map<string, LogEntry[]>();
afterEach(() => appLines.clear());

function answer(status: number, statusText: string, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
  });
}

function open(path: string, options: RenderOptions = {}) {
  serve();
  return renderView(test, <TryRoute />, { path, ...options });
}

const bodyBox = () => screen.getByLabelText('Body (the parameters, as JSON)') as HTMLTextAreaElement;
const sendButton = () => screen.getByRole('button', { name: /^Send/ }) as HTMLButtonElement;
const problems = () => document.getElementById('body-problems')?.textContent ?? '';
const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const businessCalls = (path: string) => test.api.callsTo('POST', path);

/** Waits for the endpoint to be selected and the body editor to be up. */
async function selected(path: string) {
  await waitFor(() => expect((screen.getByLabelText('Endpoint') as HTMLSelectElement).value).toBe(path));
  await screen.findByLabelText('Body (the parameters, as JSON)');
}

/** Replaces the body text (typed characters like { are special to user-event). */
function setBody(text: string) {
  fireEvent.change(bodyBox(), { target: { value: text } });
}

describe('the request panel', () => {
  it('starts from the endpoint’s defaults, or placeholders for required parameters', async () => {
    open('/try/template/sync_hello');
    await selected(HELLO.path);
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ name: 'World' })));
    expect(screen.getByText('Greets someone.')).toBeTruthy();
    expect(problems()).toBe('');
    expect(sendButton().disabled).toBe(false);
  });

  it('lists the endpoints and opens the one chosen', async () => {
    const { user, path } = open('/try');
    const select = (await screen.findByRole('option', { name: AREA.path })).closest('select')!;
    expect(sendButton().disabled).toBe(true);
    expect(
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose an endpoint', '/template/sync_hello', '/geometry/area', '/geometry/shout']);
    await user.selectOptions(select, AREA.path);
    expect(path()).toBe('/try/geometry/area');
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ w: 0, h: 0 })));
  });

  it('says when the path is not an endpoint', async () => {
    open('/try/gone/away');
    expect(await screen.findByText('/gone/away is not an endpoint (any more).')).toBeTruthy();
    expect(sendButton().disabled).toBe(true);
  });

  it('refuses to send a body that is not JSON, and says why', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.clear(bodyBox());
    await user.type(bodyBox(), '{{"w": 2, "h": '); // {{ types one {
    expect(bodyBox().value).toBe('{"w": 2, "h": ');
    expect(sendButton().disabled).toBe(true);
    expect(problems()).toMatch(/^Not valid JSON: /);
    expect(bodyBox().getAttribute('aria-invalid')).toBe('true');

    setBody('[2, 3]');
    expect(sendButton().disabled).toBe(true);
    expect(problems()).toBe('The body must be a JSON object');

    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not sent: the body must be a JSON object (the parameters by name).',
    );
    setBody('{"w": 2,');
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Not sent: the body is not valid JSON: /);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(businessCalls(AREA.path)).toEqual([]);

    // Mended, the refusal goes.
    setBody('{"w": 2, "h": 3}');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(sendButton().disabled).toBe(false);
  });

  it("edits the body in Monaco's JSON editor, checked against the endpoint's parameter schema", async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    expect(bodyBox().dataset.language).toBe('json');
    expect(bodyBox().dataset.path).toBe(BODY_MODEL_URI);
    const schemas = () => fake.jsonDefaults.diagnosticsOptions.schemas as SchemaAssociation[];
    expect(schemas()).toEqual([
      expect.objectContaining({ fileMatch: [BODY_MODEL_URI], schema: expect.objectContaining(AREA.params) }),
    ]);
    expect(fake.jsonDefaults.diagnosticsOptions).toMatchObject({
      validate: true,
      enableSchemaRequest: false,
    });

    await user.selectOptions(screen.getByLabelText('Endpoint'), HELLO.path);
    await selected(HELLO.path);
    await waitFor(() => expect(schemas()[0]!.schema).toMatchObject(HELLO.params));
    expect(schemas()).toHaveLength(1);
  });

  it('leaves no schema behind when the panel closes', async () => {
    const { unmount } = open('/try/geometry/area');
    await selected(AREA.path);
    unmount();
    expect(fake.jsonDefaults.diagnosticsOptions.schemas).toEqual([]);
  });

  it('warns of missing and unknown parameters, but leaves the verdict to the server', async () => {
    open('/try/geometry/area');
    await selected(AREA.path);
    setBody('{"w": 2, "depth": 1}');
    expect(problems()).toContain('Missing parameter "h"');
    expect(problems()).toContain('Unknown parameter "depth"');
    expect(sendButton().disabled).toBe(false);
  });

  it('sends {"body": ...} with the admin token, and shows the status and the JSON answer', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    setBody('{"name": "Ann"}');
    await user.click(sendButton());

    const status = await screen.findByTestId('response-status');
    expect(status.textContent).toBe('200 OK');
    const [call] = businessCalls(HELLO.path);
    expect(call!.body).toEqual({ body: { name: 'Ann' } });
    expect(call!.headers.get('authorization')).toBe(`Bearer ${ADMIN_TOKEN}`);
    expect(call!.headers.get('content-type')).toBe('application/json');
    expect(call!.url).toBe(HELLO.path);

    const body = screen.getByTestId('response-body');
    expect(body.textContent).toContain('Hello, Ann!');
    expect(body.textContent).toContain('success');
    const headers = screen.getByText(/^Headers \(/).closest('details')!;
    expect(headers.textContent).toContain('x-request-id');
    expect(headers.textContent).toContain('req-42');
  });

  it("shows the function's own log lines of the call it made, found by its request id", async () => {
    appLines.set('req-42', [
      {
        seq: 7,
        time: Date.UTC(2025, 0, 1, 9, 30),
        level: 30,
        kind: 'app',
        msg: 'charged the card',
        requestId: 'req-42',
        amount: 12,
      },
      {
        seq: 8,
        time: Date.UTC(2025, 0, 1, 9, 30),
        level: 40,
        kind: 'app',
        msg: 'slow provider',
        requestId: 'req-42',
      },
    ]);
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(sendButton());
    const log = await screen.findByRole('region', { name: 'Function log' });
    await waitFor(() => expect(within(log).getAllByRole('row')).toHaveLength(2));
    const [first, second] = within(log).getAllByRole('row');
    expect(first!.textContent).toContain('info');
    expect(first!.textContent).toContain('charged the card');
    expect(first!.textContent).toContain('amount=12');
    expect(second!.textContent).toContain('warn');
    expect(second!.textContent).toContain('slow provider');
    const [query] = test.api.callsTo('GET', '/api/logs');
    expect(Object.fromEntries(query!.query)).toMatchObject({ requestId: 'req-42', type: 'app' });
  });

  it('says how to log when the function logged nothing', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(sendButton());
    expect(await screen.findByText(/Nothing logged\. Lines a function writes with/)).toBeTruthy();
  });

  it('sends with Ctrl+Enter', async () => {
    open('/try/template/sync_hello');
    await selected(HELLO.path);
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    expect((await screen.findByTestId('response-status')).textContent).toBe('200 OK');
    expect(businessCalls(HELLO.path)[0]!.body).toEqual({ body: { name: 'World' } });
  });

  it('sends once when Ctrl+Enter is pressed again while the answer is awaited', async () => {
    open('/try/template/sync_hello');
    const held = deferred<Response>();
    test.api.on('POST', HELLO.path, () => held.promise);
    await selected(HELLO.path);
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    await screen.findByRole('button', { name: /Sending…/ });
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    held.resolve(answer(200, 'OK', { success: true, data: {}, endpoint: HELLO.path }));
    await screen.findByTestId('response-status');
    expect(businessCalls(HELLO.path)).toHaveLength(1);
  });

  it('sends a token created in this session', async () => {
    test.secrets.add(CREATED.value);
    rememberToken(CREATED);
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), `${CREATED.label} (created in this session)`);
    setBody('{"w": 2, "h": 3}');
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    expect(businessCalls(AREA.path)[0]!.headers.get('authorization')).toBe(`Bearer ${CREATED.value}`);
    expect(screen.getByTestId('response-body').textContent).toContain('6');
  });

  it('sends a pasted token, from a password field', async () => {
    test.secrets.add(PASTED);
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'Paste a token…');
    const input = screen.getByLabelText('Token to send') as HTMLInputElement;
    expect(input.type).toBe('password');
    await user.type(input, `  ${PASTED} `);
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    expect(businessCalls(AREA.path)[0]!.headers.get('authorization')).toBe(`Bearer ${PASTED}`);
  });

  it('sends with a business token created in this session by default, not the admin token', async () => {
    test.secrets.add(CREATED.value);
    rememberToken({ ...CREATED, role: 'business' });
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    expect((screen.getByLabelText('Token') as HTMLSelectElement).value).toBe(CREATED.id);
    setBody('{"w": 2, "h": 3}');
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    expect(businessCalls(AREA.path)[0]!.headers.get('authorization')).toBe(`Bearer ${CREATED.value}`);

    // Revoked (forgotten), it is no longer sent: the admin token is, as when there is none.
    forgetToken(CREATED.id);
    await waitFor(() => expect((screen.getByLabelText('Token') as HTMLSelectElement).value).toBe('admin'));
  });

  it('refuses to send an empty pasted token, and says what to do', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'Paste a token…');
    const input = screen.getByLabelText('Token to send') as HTMLInputElement;
    await user.type(input, '   ');
    expect(sendButton().disabled).toBe(true);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Paste the token to send/)).toBeTruthy();
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(businessCalls(AREA.path)).toHaveLength(0);
  });

  it('sends no token when told, and shows the refusal', async () => {
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'No token');
    await user.click(sendButton());
    const status = await screen.findByTestId('response-status');
    expect(status.textContent).toContain('401');
    expect(businessCalls(AREA.path)[0]!.headers.has('authorization')).toBe(false);
    expect(screen.getByTestId('response-body').textContent).toContain('MISSING_TOKEN');
  });

  it('shows an answer that is not JSON as text', async () => {
    const { user } = open('/try/template/sync_hello');
    test.api.on(
      'POST',
      HELLO.path,
      () => new Response('Bad gateway', { status: 502, statusText: 'Bad Gateway' }),
    );
    await selected(HELLO.path);
    await user.click(sendButton());
    expect((await screen.findByTestId('response-status')).textContent).toBe('502 Bad Gateway');
    expect(screen.getByTestId('response-body').textContent).toBe('"Bad gateway"');
  });

  it('says so when the request does not complete', async () => {
    const { user } = open('/try/template/sync_hello');
    test.api.on('POST', HELLO.path, () => Promise.reject(new TypeError('Failed to fetch')));
    await selected(HELLO.path);
    await user.click(sendButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The request did not complete');
    expect(alert.textContent).toContain('Failed to fetch');
    expect(screen.queryByTestId('response-status')).toBeNull();
  });

  it('sends the extra headers typed, after its own', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), 'acme');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    const [call] = businessCalls(HELLO.path);
    expect(call!.headers.get('x-tenant')).toBe('acme');
    expect(call!.headers.get('authorization')).toBe(`Bearer ${ADMIN_TOKEN}`);

    await user.click(screen.getByRole('button', { name: 'Remove header 1' }));
    await user.click(sendButton());
    await waitFor(() => expect(businessCalls(HELLO.path)).toHaveLength(2));
    expect(businessCalls(HELLO.path)[1]!.headers.has('x-tenant')).toBe(false);
  });

  it('refuses an Authorization header, and a name that is not one, saying why', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'Authorization');
    await user.type(screen.getByLabelText('Header 1 value'), 'Bearer nope');
    const headers = screen.getByRole('group', { name: 'Headers' });
    expect(headers.textContent).toContain('Authorization is sent from the Token choice above');
    expect(sendButton().disabled).toBe(true);
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not sent: Authorization is sent from the Token choice above.',
    );

    await user.clear(screen.getByLabelText('Header 1 name'));
    await user.type(screen.getByLabelText('Header 1 name'), 'X Tenant');
    expect(screen.getByLabelText('Header 1 name').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/^Not sent: "X Tenant" is not a header name/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(businessCalls(HELLO.path)).toEqual([]);
  });

  it('shows the exact request that goes out, the token masked', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    setBody('{"name": "Ann"}');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), 'acme');
    await user.click(screen.getByText(/^The request sent/));
    const shown = screen.getByTestId('outgoing-request').textContent!;
    expect(shown).toBe(
      [
        `POST ${window.location.origin}/template/sync_hello`,
        'content-type: application/json',
        'authorization: Bearer ••••••••',
        'X-Tenant: acme',
        '',
        '{"body":{"name":"Ann"}}',
      ].join('\n'),
    );
    expect(shown).not.toContain(ADMIN_TOKEN);

    // What it showed is what went out.
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    const [call] = businessCalls(HELLO.path);
    expect(call!.body).toEqual({ body: { name: 'Ann' } });
    expect(call!.headers.get('x-tenant')).toBe('acme');

    await user.selectOptions(screen.getByLabelText('Token'), 'No token');
    expect(screen.getByTestId('outgoing-request').textContent).not.toContain('authorization');
  });

  it('copies the request as curl with the body typed, never a token', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    setBody('{"name": "Ann"}');
    await user.click(screen.getByRole('button', { name: 'Copy as curl' }));
    const curl = test.clipboard.text!;
    expect(curl).toContain(`curl -X POST 'http://127.0.0.1:8000/template/sync_hello'`);
    expect(curl).toContain(`-d '{"body":{"name":"Ann"}}'`);
    expect(curl).toContain('$API_DEPLOY_TOKEN');
    expect(curl).not.toContain(ADMIN_TOKEN);
  });

  it('copies the extra headers too, a token value in one masked', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), 'acme');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 2 name'), 'X-Key');
    fireEvent.change(screen.getByLabelText('Header 2 value'), { target: { value: ADMIN_TOKEN } });
    await user.click(screen.getByRole('button', { name: 'Copy as curl' }));
    const curl = test.clipboard.text!;
    expect(curl).toContain(`-H 'X-Tenant: acme'`);
    expect(curl).toContain(`-H 'X-Key: ••••••••'`);
    expect(curl).not.toContain(ADMIN_TOKEN);
  });
});

describe('the request history', () => {
  it('records each request sent, without its token', async () => {
    test.secrets.add(PASTED);
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Token'), 'Paste a token…');
    await user.type(screen.getByLabelText('Token to send'), PASTED);
    setBody('{"w": 2, "h": 3}');
    await user.click(sendButton());
    await screen.findByTestId('response-status');

    const history = screen.getByRole('region', { name: 'History' });
    const item = await within(history).findByRole('button', { name: /\/geometry\/area/ });
    expect(item.textContent).toContain('200');
    expect(item.textContent).toContain('{"w": 2, "h": 3}');
    const stored = JSON.parse(localStorage.getItem(HISTORY_KEY)!) as Record<string, unknown>[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ endpoint: AREA.path, body: '{"w": 2, "h": 3}', status: 200 });
    expect(Object.keys(stored[0]!).sort()).toEqual(['at', 'body', 'durationMs', 'endpoint', 'status']);
    expect(localStorage.getItem(HISTORY_KEY)).not.toContain(PASTED);
    expect(localStorage.getItem(HISTORY_KEY)).not.toContain(ADMIN_TOKEN);
  });

  it('opens a past request again, and is cleared', async () => {
    localStorage.setItem(
      HISTORY_KEY,
      JSON.stringify([
        {
          endpoint: AREA.path,
          body: '{"w": 4, "h": 5}',
          status: 200,
          durationMs: 8,
          at: '2025-01-01T10:00:00.000Z',
        },
      ]),
    );
    const { user, path } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    const history = screen.getByRole('region', { name: 'History' });
    await user.click(within(history).getByRole('button', { name: /\/geometry\/area/ }));
    expect(path()).toBe('/try/geometry/area');
    await selected(AREA.path);
    await waitFor(() => expect(bodyBox().value).toBe('{"w": 4, "h": 5}'));

    await user.click(within(history).getByRole('button', { name: 'Clear' }));
    expect(within(history).queryByRole('button', { name: /\/geometry\/area/ })).toBeNull();
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull();
  });

  it('a past request of the endpoint already open does not stick to the next endpoint chosen', async () => {
    localStorage.setItem(
      HISTORY_KEY,
      JSON.stringify([
        {
          endpoint: HELLO.path,
          body: '{"name": "Ann"}',
          status: 200,
          durationMs: 8,
          at: '2025-01-01T10:00:00.000Z',
        },
      ]),
    );
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    const history = screen.getByRole('region', { name: 'History' });
    await user.click(within(history).getByRole('button', { name: /\/template\/sync_hello/ }));
    expect(bodyBox().value).toBe('{"name": "Ann"}');

    await user.selectOptions(screen.getByLabelText('Endpoint'), AREA.path);
    await selected(AREA.path);
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ w: 0, h: 0 })));
  });
});

describe('replaying a logged request', () => {
  it('fills the body from the replay handed over in sessionStorage, once', async () => {
    sessionStorage.setItem(REPLAY_KEY, JSON.stringify({ endpoint: AREA.path, body: { w: 7, h: 8 } }));
    open('/try/geometry/area');
    await selected(AREA.path);
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ w: 7, h: 8 })));
    expect(sessionStorage.getItem(REPLAY_KEY)).toBeNull();
  });

  it('ignores a replay meant for another endpoint', async () => {
    sessionStorage.setItem(REPLAY_KEY, JSON.stringify({ endpoint: AREA.path, body: { w: 7, h: 8 } }));
    open('/try/template/sync_hello');
    await selected(HELLO.path);
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ name: 'World' })));
  });

  it('fills the body under StrictMode, when the endpoints are known already', async () => {
    // As in the app: main.tsx renders in StrictMode, and the logs view opens the panel with
    // the registry usually cached, so the endpoint is selected on the first render.
    sessionStorage.setItem(REPLAY_KEY, JSON.stringify({ endpoint: AREA.path, body: { w: 7, h: 8 } }));
    const queryClient = testQueryClient();
    queryClient.setQueryData(keys.registry, registry());
    open('/try/geometry/area', { queryClient, strict: true });
    await selected(AREA.path);
    await waitFor(() => expect(bodyBox().value).toBe(pretty({ w: 7, h: 8 })));
  });
});

describe('environments', () => {
  const ENVIRONMENTS_KEY = 'api-deploy.environments';

  it('creates one whose variables go into the body and the headers as {{name}}, and stores it', async () => {
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(screen.getByRole('button', { name: 'Edit environments' }));
    await user.type(screen.getByLabelText('New environment name'), 'staging');
    await user.click(screen.getByRole('button', { name: 'New environment' }));
    expect((screen.getByLabelText('Environment') as HTMLSelectElement).value).toBe('staging');
    // A new environment starts with a baseUrl to fill in.
    expect((screen.getByLabelText('Variable 1 name') as HTMLInputElement).value).toBe('baseUrl');
    await user.type(screen.getByLabelText('Variable 1 value'), 'https://staging.example');
    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    await user.type(screen.getByLabelText('Variable 2 name'), 'who');
    await user.type(screen.getByLabelText('Variable 2 value'), 'Ada "the first"');

    setBody('{"name": "{{who}} from {{ baseUrl }}"}');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), '{{{{who}}'); // {{ types one {
    await user.click(screen.getByText(/^The request sent/));
    expect(screen.getByTestId('outgoing-request').textContent).toContain('X-Tenant: Ada "the first"');

    await user.click(sendButton());
    await screen.findByTestId('response-status');
    const [call] = businessCalls(HELLO.path);
    expect(call!.body).toEqual({ body: { name: 'Ada "the first" from https://staging.example' } });
    expect(call!.headers.get('x-tenant')).toBe('Ada "the first"');

    expect(JSON.parse(localStorage.getItem(ENVIRONMENTS_KEY)!)).toEqual({
      active: 'staging',
      environments: [
        {
          name: 'staging',
          variables: [
            { name: 'baseUrl', value: 'https://staging.example' },
            { name: 'who', value: 'Ada "the first"' },
          ],
        },
      ],
    });
  });

  it('refuses to send a {{name}} the environment does not define, naming it', async () => {
    localStorage.setItem(
      ENVIRONMENTS_KEY,
      JSON.stringify({
        active: 'dev',
        environments: [{ name: 'dev', variables: [{ name: 'who', value: 'Ann' }] }],
      }),
    );
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    setBody('{"name": "{{whom}}"}');
    expect(sendButton().disabled).toBe(true);
    fireEvent.keyDown(bodyBox(), { key: 'Enter', ctrlKey: true });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not sent: {{whom}} is not defined in the environment "dev".',
    );

    // Without an environment, every {{name}} is unknown.
    await user.selectOptions(screen.getByLabelText('Environment'), 'No environment');
    setBody('{"name": "{{who}}"}');
    expect(screen.getByRole('alert').textContent).toBe(
      'Not sent: {{who}} is not defined: choose an environment that defines it.',
    );
    await user.selectOptions(screen.getByLabelText('Environment'), 'dev');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(sendButton());
    await screen.findByTestId('response-status');
    expect(businessCalls(HELLO.path).map((call) => call.body)).toEqual([{ body: { name: 'Ann' } }]);
  });

  it('sends the kind of token the environment names, never a token value it would store', async () => {
    localStorage.setItem(
      ENVIRONMENTS_KEY,
      JSON.stringify({
        environments: [
          { name: 'public', token: 'none', variables: [] },
          { name: 'ops', token: 'admin', variables: [{ name: 'key', value: '' }] },
        ],
      }),
    );
    const { user } = open('/try/geometry/area');
    await selected(AREA.path);
    await user.selectOptions(screen.getByLabelText('Environment'), 'public');
    expect((screen.getByLabelText('Token') as HTMLSelectElement).value).toBe('none');
    await user.selectOptions(screen.getByLabelText('Environment'), 'ops');
    expect((screen.getByLabelText('Token') as HTMLSelectElement).value).toBe('admin');

    // The admin token pasted as a variable's value is refused: it would be stored.
    await user.click(screen.getByRole('button', { name: 'Edit environments' }));
    fireEvent.change(screen.getByLabelText('Variable 1 value'), { target: { value: `x${ADMIN_TOKEN}` } });
    expect(screen.getByText(/That is a token value/)).toBeTruthy();
    expect((screen.getByLabelText('Variable 1 value') as HTMLInputElement).value).toBe('');
    expect(localStorage.getItem(ENVIRONMENTS_KEY)).not.toContain(ADMIN_TOKEN);

    await user.selectOptions(screen.getByLabelText('Token in ops'), 'The one chosen above');
    expect(JSON.parse(localStorage.getItem(ENVIRONMENTS_KEY)!).environments[1]).toEqual({
      name: 'ops',
      variables: [{ name: 'key', value: '' }],
    });
  });

  it('deletes one after a confirmation', async () => {
    localStorage.setItem(
      ENVIRONMENTS_KEY,
      JSON.stringify({ active: 'dev', environments: [{ name: 'dev', variables: [] }] }),
    );
    const { user } = open('/try/template/sync_hello');
    await selected(HELLO.path);
    await user.click(screen.getByRole('button', { name: 'Edit environments' }));
    await user.click(screen.getByRole('button', { name: 'Delete dev' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(JSON.parse(localStorage.getItem(ENVIRONMENTS_KEY)!)).toEqual({ environments: [] });
    expect(within(screen.getByLabelText('Environment')).getAllByRole('option')).toHaveLength(1);
  });
});
