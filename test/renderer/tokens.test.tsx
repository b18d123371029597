// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedToken, TokenInfo } from '../../src/shared/admin-api.js';
import { forgetToken, useRememberedTokens } from '../../src/renderer/src/token-memory.js';
import { TokensView } from '../../src/renderer/src/views/tokens.js';
import { errorReply, okReply } from './helpers/fake-api.js';
import { tokenList } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();
const NEW_VALUE = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const CREATED: CreatedToken = {
  id: 'n3wt0k',
  label: 'reports',
  role: 'admin',
  created: '2025-02-01T00:00:00.000Z',
  token: NEW_VALUE,
};

afterEach(() => forgetToken(CREATED.id));

/** The tokens of the config, changed by POST and DELETE as the runtime does. */
function serve(initial: TokenInfo[] = tokenList()) {
  let tokens = initial;
  test.api.ok('GET', '/api/tokens', () => ({ tokens }));
  test.api.on('POST', '/api/tokens', (call) => {
    const { label, role } = call.body as { label: string; role: 'admin' | 'business' };
    tokens = [...tokens, { id: CREATED.id, label, role, masked: 'tok…b1a0', created: CREATED.created }];
    return okReply({ ...CREATED, label, role }, '/api/tokens');
  });
  return {
    revoke(id: string) {
      test.api.on('DELETE', `/api/tokens/${id}`, () => {
        tokens = tokens.filter((token) => token.id !== id);
        return okReply({ revoked: id }, `/api/tokens/${id}`);
      });
    },
  };
}

/** What the request panel could send: the tokens remembered in this session (labels only). */
function Remembered() {
  const remembered = useRememberedTokens();
  return <output aria-label="Remembered">{remembered.map((token) => token.label).join(',')}</output>;
}

const table = () => screen.findByRole('table', { name: 'Tokens' });
const rowOf = (label: string) => screen.getByRole('cell', { name: label }).closest('tr')!;
const labelsShown = async () =>
  within(await table())
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent?.trim());

describe('the tokens view', () => {
  it('offers no Revoke for the desktop app session token', async () => {
    const session: TokenInfo = {
      id: 'd3sk70',
      label: 'desktop app',
      role: 'admin',
      masked: 'x…y',
      session: true,
    };
    serve([...tokenList(), session]);
    renderView(test, <TokensView />);
    expect(await labelsShown()).toContain('desktop app');
    expect(within(rowOf('desktop app')).queryByRole('button')).toBeNull();
    expect(within(rowOf('desktop app')).getByText('this app session')).toBeTruthy();
    expect(within(rowOf('ops')).getByRole('button', { name: 'Revoke ops' })).toBeTruthy();
  });

  it('lists the tokens, masked, with role, creation and last use', async () => {
    serve();
    renderView(test, <TokensView />);
    expect(await labelsShown()).toEqual(['ops', 'billing service']);
    const ops = within(rowOf('ops'));
    expect(ops.getByText('admin')).toBeTruthy();
    expect(ops.getByText('adm…cret')).toBeTruthy();
    expect(ops.getByText('never (since start)')).toBeTruthy();
    const billing = within(rowOf('billing service'));
    expect(billing.getByText('business')).toBeTruthy();
    expect(billing.getByText('tok…1234')).toBeTruthy();
    expect(billing.getByText(new Date('2025-01-03T00:00:00.000Z').toLocaleString())).toBeTruthy();
  });

  it('shows why the tokens cannot be read', async () => {
    test.api.fail('GET', '/api/tokens', 500, 'INTERNAL_ERROR', 'Internal server error');
    renderView(test, <TokensView />);
    expect((await screen.findByRole('alert')).textContent).toContain('Internal server error');
  });
});

describe('creating a token', () => {
  it('needs a label', async () => {
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    const create = screen.getByRole('button', { name: 'Create token' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    await user.type(screen.getByLabelText('Label'), '   ');
    expect(create.disabled).toBe(true);
  });

  it('shows the new value once, with a copy button, remembers it for this session, and refreshes the list', async () => {
    test.secrets.add(NEW_VALUE);
    serve();
    const { user } = renderView(
      test,
      <>
        <TokensView />
        <Remembered />
      </>,
    );
    await table();
    await user.type(screen.getByLabelText('Label'), '  reports ');
    await user.selectOptions(screen.getByLabelText('Role'), 'admin');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const notice = await screen.findByRole('status', { name: 'New token' });
    expect(notice.textContent).toContain('Token “reports” created. Copy it now: it is not shown again.');
    expect(within(notice).getByTestId('new-token-value').textContent).toBe(NEW_VALUE);
    expect(test.api.callsTo('POST', '/api/tokens')[0]!.body).toEqual({ label: 'reports', role: 'admin' });
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe('');

    await user.click(within(notice).getByRole('button', { name: 'Copy token' }));
    expect(test.clipboard.text).toBe(NEW_VALUE);
    expect(await within(notice).findByText('Copied')).toBeTruthy();

    await waitFor(async () => expect(await labelsShown()).toEqual(['ops', 'billing service', 'reports']));
    expect(test.api.callsTo('GET', '/api/tokens').length).toBe(2);
    // The list never shows a value: only the notice does.
    expect(within(await table()).queryByText(NEW_VALUE)).toBeNull();
    expect(screen.getByRole('status', { name: 'Remembered' }).textContent).toBe('reports');

    await user.click(within(notice).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('status', { name: 'New token' })).toBeNull();
    expect(document.body.textContent).not.toContain(NEW_VALUE);
  });

  it('says when the value cannot be copied, so it can be selected instead', async () => {
    test.secrets.add(NEW_VALUE);
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'reports');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const notice = await screen.findByRole('status', { name: 'New token' });
    test.clipboard.writeText = () =>
      Promise.reject(new DOMException('Write permission denied', 'NotAllowedError'));
    await user.click(within(notice).getByRole('button', { name: 'Copy token' }));
    expect(await within(notice).findByText('Copy failed: select and copy')).toBeTruthy();
  });

  it('says the value cannot be copied where the page has no clipboard (plain http)', async () => {
    // Browsers give navigator.clipboard to secure contexts only; /panel of a headless server
    // reached over http://host:8000 has none.
    test.secrets.add(NEW_VALUE);
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'reports');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const notice = await screen.findByRole('status', { name: 'New token' });
    Object.defineProperty(window.navigator, 'clipboard', { value: undefined, configurable: true });
    const uncaught: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      uncaught.push(event.error);
      event.preventDefault();
    };
    window.addEventListener('error', onError);
    try {
      await user.click(within(notice).getByRole('button', { name: 'Copy token' }));
      expect(await within(notice).findByText('Copy failed: select and copy')).toBeTruthy();
      expect(uncaught).toEqual([]);
    } finally {
      window.removeEventListener('error', onError);
    }
  });

  it('creates a business token by default', async () => {
    test.secrets.add(NEW_VALUE);
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'billing');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByRole('status', { name: 'New token' });
    expect(test.api.callsTo('POST', '/api/tokens')[0]!.body).toEqual({ label: 'billing', role: 'business' });
  });

  it('shows why a token could not be created', async () => {
    serve();
    test.api.fail(
      'POST',
      '/api/tokens',
      409,
      'NO_CONFIG_FILE',
      'The server runs without a config file; start it with --config to manage tokens',
    );
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'billing');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not create the token: The server runs without a config file');
    expect(alert.textContent).toContain('NO_CONFIG_FILE');
    expect(screen.queryByRole('status', { name: 'New token' })).toBeNull();
  });
});

describe('revoking a token', () => {
  it('asks first; Cancel does nothing', async () => {
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Revoke billing service' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this token?' });
    expect(dialog.textContent).toContain('“billing service” (business) stops working at once');
    expect(document.activeElement?.textContent).toBe('Cancel');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(test.api.calls.filter((call) => call.method === 'DELETE')).toEqual([]);
    expect(await labelsShown()).toEqual(['ops', 'billing service']);
  });

  it('Escape cancels', async () => {
    serve();
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Revoke ops' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this token?' });
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(test.api.calls.filter((call) => call.method === 'DELETE')).toEqual([]);
  });

  it('sends DELETE /api/tokens/<id> once confirmed, and the list refreshes', async () => {
    const tokens = serve();
    tokens.revoke('d4e5f6');
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Revoke billing service' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this token?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(async () => expect(await labelsShown()).toEqual(['ops']));
    expect(test.api.callsTo('DELETE', '/api/tokens/d4e5f6')).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a revoked token created in this session is no longer offered to the request panel', async () => {
    test.secrets.add(NEW_VALUE);
    const tokens = serve();
    tokens.revoke(CREATED.id);
    const { user } = renderView(
      test,
      <>
        <TokensView />
        <Remembered />
      </>,
    );
    await table();
    await user.type(screen.getByLabelText('Label'), 'reports');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await waitFor(async () => expect(await labelsShown()).toContain('reports'));
    expect(screen.getByRole('status', { name: 'Remembered' }).textContent).toBe('reports');

    await user.click(screen.getByRole('button', { name: 'Revoke reports' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Remembered' }).textContent).toBe(''));
  });

  it("takes a revoked token's value and its Copy button off the screen, and says it is revoked", async () => {
    test.secrets.add(NEW_VALUE);
    const tokens = serve();
    tokens.revoke(CREATED.id);
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'reports');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByRole('status', { name: 'New token' });
    await waitFor(async () => expect(await labelsShown()).toContain('reports'));

    await user.click(screen.getByRole('button', { name: 'Revoke reports' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Token “reports” revoked: it no longer works.')).toBeTruthy();
    expect(screen.queryByRole('status', { name: 'New token' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy token' })).toBeNull();
    expect(document.body.textContent).not.toContain(NEW_VALUE);
  });

  it('takes the value off the screen when another window revokes the token', async () => {
    test.secrets.add(NEW_VALUE);
    const tokens = serve();
    tokens.revoke(CREATED.id);
    const { user, queryClient } = renderView(test, <TokensView />);
    await table();
    await user.type(screen.getByLabelText('Label'), 'reports');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByRole('status', { name: 'New token' });
    await waitFor(async () => expect(await labelsShown()).toContain('reports'));

    await fetch(`/api/tokens/${CREATED.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${test.adminToken}`, 'x-api-deploy-source': 'panel' },
    });
    await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    await waitFor(() => expect(screen.queryByRole('status', { name: 'New token' })).toBeNull());
    expect(document.body.textContent).not.toContain(NEW_VALUE);
  });

  it('shows the refusal to revoke the last admin token, and keeps it listed', async () => {
    serve([tokenList()[0]!]);
    test.api.on('DELETE', '/api/tokens/a1b2c3', () =>
      errorReply(409, 'LAST_ADMIN_TOKEN', 'This is the last admin token; create another before revoking it', {
        endpoint: '/api/tokens/a1b2c3',
      }),
    );
    const { user } = renderView(test, <TokensView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Revoke ops' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'Could not revoke the token: This is the last admin token; create another before revoking it',
    );
    expect(alert.textContent).toContain('LAST_ADMIN_TOKEN');
    expect(await labelsShown()).toEqual(['ops']);
  });
});
