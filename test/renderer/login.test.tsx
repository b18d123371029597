// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/src/app.js';
import { LoginView } from '../../src/renderer/src/views/login.js';
import { deferred, errorReply, okReply, type ApiCall } from './helpers/fake-api.js';
import { registry, status } from './helpers/fixtures.js';
import { LOGIN_KEY, makeUser, renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();
// The overview the panel opens on reads the registry (for its first-run hint).
beforeEach(() => test.api.ok('GET', '/api/endpoints', registry()));
const WRONG = 'wrong-token';
const INVALID = 'Invalid admin token or insufficient permissions';

/** `GET /api/status` as the runtime answers it: the status for `token`, 403 for any other. */
function statusFor(token: string) {
  return (call: ApiCall) =>
    call.headers.get('authorization') === `Bearer ${token}`
      ? okReply(status(), '/api/status')
      : errorReply(403, 'INVALID_ADMIN_TOKEN', INVALID, { endpoint: '/api/status' });
}

const tokenInput = () => screen.getByLabelText('Admin token') as HTMLInputElement;
const signIn = () => screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement;

describe('the login form', () => {
  it('takes the token in a password field, and cannot be sent blank', async () => {
    const { user } = renderView(test, <LoginView onLogin={vi.fn()} />);
    expect(tokenInput().type).toBe('password');
    expect(signIn().disabled).toBe(true);
    await user.type(tokenInput(), '   ');
    expect(signIn().disabled).toBe(true);
    expect(test.api.calls).toEqual([]);
  });

  it("shows the server's error for a wrong token, and does not log in", async () => {
    test.api.on('GET', '/api/status', statusFor(test.adminToken));
    test.triedTokens.add(WRONG);
    test.secrets.add(WRONG);
    const onLogin = vi.fn();
    const { user } = renderView(test, <LoginView onLogin={onLogin} />);
    await user.type(tokenInput(), WRONG);
    await user.click(signIn());
    expect((await screen.findByRole('alert')).textContent).toBe(INVALID);
    expect(onLogin).not.toHaveBeenCalled();
    expect(test.api.callsTo('GET', '/api/status')[0]!.headers.get('authorization')).toBe(`Bearer ${WRONG}`);
  });

  it('checks the token against the server, then logs in with it, trimmed', async () => {
    test.api.on('GET', '/api/status', statusFor(test.adminToken));
    const onLogin = vi.fn();
    const { user } = renderView(test, <LoginView onLogin={onLogin} />);
    await user.type(tokenInput(), `  ${test.adminToken} `);
    await user.click(signIn());
    await waitFor(() => expect(onLogin).toHaveBeenCalledTimes(1));
    expect(onLogin).toHaveBeenCalledWith({ baseUrl: '', adminToken: test.adminToken, desktop: false });
    expect(test.api.callsTo('GET', '/api/status')).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says it is checking while the server answers', async () => {
    const answer = deferred<Response>();
    test.api.on('GET', '/api/status', () => answer.promise);
    const onLogin = vi.fn();
    const { user } = renderView(test, <LoginView onLogin={onLogin} />);
    await user.type(tokenInput(), test.adminToken);
    await user.click(signIn());
    const checking = (await screen.findByRole('button', { name: 'Checking…' })) as HTMLButtonElement;
    expect(checking.disabled).toBe(true);
    expect(onLogin).not.toHaveBeenCalled();
    answer.resolve(okReply(status(), '/api/status'));
    await waitFor(() => expect(onLogin).toHaveBeenCalledTimes(1));
  });

  it('says so when the server cannot be reached', async () => {
    test.api.on('GET', '/api/status', () => Promise.reject(new TypeError('Failed to fetch')));
    const onLogin = vi.fn();
    const { user } = renderView(test, <LoginView onLogin={onLogin} />);
    await user.type(tokenInput(), test.adminToken);
    await user.click(signIn());
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The API server cannot be reached. Is it running?',
    );
    expect(onLogin).not.toHaveBeenCalled();
  });
});

describe('the app in a browser', () => {
  it('asks for a token, keeps it in sessionStorage once the server took it, and opens the panel', async () => {
    test.triedTokens.add(WRONG);
    test.secrets.add(WRONG);
    // What sessionStorage held each time the right token reached the server.
    const storedWhenChecked: (string | null)[] = [];
    const serve = statusFor(test.adminToken);
    test.api.on('GET', '/api/status', (call) => {
      if (call.headers.get('authorization') === `Bearer ${test.adminToken}`) {
        storedWhenChecked.push(sessionStorage.getItem(LOGIN_KEY));
      }
      return serve(call);
    });
    render(<App />);
    const user = makeUser(test);

    await user.type(await screen.findByLabelText('Admin token'), WRONG);
    await user.click(signIn());
    expect((await screen.findByRole('alert')).textContent).toBe(INVALID);
    expect(sessionStorage.getItem(LOGIN_KEY)).toBeNull();
    expect(test.storageWrites).toEqual([]);

    await user.clear(tokenInput());
    await user.type(tokenInput(), test.adminToken);
    await user.click(signIn());

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: /Overview/ })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.queryByLabelText('Admin token')).toBeNull();
    // Checked first (nothing kept yet), kept after: in sessionStorage, nowhere else.
    expect(storedWhenChecked[0]).toBeNull();
    expect(sessionStorage.getItem(LOGIN_KEY)).toBe(test.adminToken);
    expect(test.storageWrites).toEqual([{ area: 'session', key: LOGIN_KEY, value: test.adminToken }]);
    expect(localStorage.length).toBe(0);
  });

  it('starts in the panel with the token kept in this tab', async () => {
    test.api.on('GET', '/api/status', statusFor(test.adminToken));
    sessionStorage.setItem(LOGIN_KEY, test.adminToken);
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.queryByLabelText('Admin token')).toBeNull();
  });

  it('signs out: the token is forgotten and the login is back', async () => {
    test.api.on('GET', '/api/status', statusFor(test.adminToken));
    sessionStorage.setItem(LOGIN_KEY, test.adminToken);
    render(<App />);
    const user = makeUser(test);
    await screen.findByRole('heading', { name: 'Overview' });
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Admin token')).toBeTruthy();
    expect(sessionStorage.getItem(LOGIN_KEY)).toBeNull();
  });

  it('ends the session when the server refuses the kept token', async () => {
    test.api.fail(
      'GET',
      '/api/status',
      401,
      'MISSING_ADMIN_TOKEN',
      'Admin token is required for this operation',
    );
    sessionStorage.setItem(LOGIN_KEY, test.adminToken);
    render(<App />);
    expect(await screen.findByLabelText('Admin token')).toBeTruthy();
    expect(sessionStorage.getItem(LOGIN_KEY)).toBeNull();
  });

  it('shows that it follows the runtime live', async () => {
    test.api.on('GET', '/api/status', statusFor(test.adminToken));
    sessionStorage.setItem(LOGIN_KEY, test.adminToken);
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    await waitFor(() => expect(nav.textContent).toContain('Live'));
    expect(test.api.callsTo('GET', '/api/events')[0]!.headers.get('accept')).toBe('text/event-stream');
  });
});

describe('the app in the desktop window', () => {
  it('takes the session from the bridge: no login, no sign out, calls to the runtime with its token', async () => {
    const DESKTOP = 'desktop-session-token';
    test.adminToken = DESKTOP;
    test.secrets.add(DESKTOP);
    window.apiDeploy = {
      appVersion: '0.1.0',
      getSession: async () => ({ runtimeUrl: 'http://127.0.0.1:8000/', adminToken: DESKTOP }),
    };
    test.api.on('GET', '/api/status', statusFor(DESKTOP));
    render(<App />);

    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.queryByLabelText('Admin token')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    const [call] = test.api.callsTo('GET', '/api/status');
    expect(call!.url).toBe('http://127.0.0.1:8000/api/status');
    expect(call!.headers.get('authorization')).toBe(`Bearer ${DESKTOP}`);
    expect(test.storageWrites).toEqual([]);
  });
});
