// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SecretInfo } from '../../src/shared/admin-api.js';
import { SecretsView } from '../../src/renderer/src/views/secrets.js';
import { errorReply, okReply } from './helpers/fake-api.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();
const VALUE = 'sk_live_51HxQ2eLkd93Jf0aZ';
const CREATED = '2025-03-01T10:00:00.000Z';

/**
 * The runtime's secrets, changed by PUT and DELETE (for the names in `writable`) as it does; the
 * values kept apart, as it does.
 */
function serve(initial: SecretInfo[] = [], writable: string[] = initial.map((secret) => secret.name)) {
  let secrets = initial;
  const values = new Map<string, string>();
  test.api.ok('GET', '/api/secrets', () => ({ secrets }));
  for (const name of writable) {
    const path = `/api/secrets/${name}`;
    test.api.on('PUT', path, (call) => {
      values.set(name, (call.body as { value: string }).value);
      const now = new Date().toISOString();
      const before = secrets.find((secret) => secret.name === name);
      secrets = [
        ...secrets.filter((secret) => secret.name !== name),
        { name, source: 'file' as const, created: before?.created ?? now, updated: now },
      ].sort((a, b) => a.name.localeCompare(b.name));
      return okReply({ name, saved: true }, path);
    });
    test.api.on('DELETE', path, () => {
      secrets = secrets.filter((secret) => secret.name !== name);
      return okReply({ name, deleted: true }, path);
    });
  }
  return values;
}

const table = () => screen.findByRole('table', { name: 'Secrets' });
const rowOf = (name: string) => screen.getByRole('cell', { name }).closest('tr')!;
const namesShown = async () =>
  within(await table())
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent?.trim());
const saveButton = () => screen.getByRole('button', { name: /(Save|Replace) secret/ }) as HTMLButtonElement;

describe('the secrets view', () => {
  it('lists names, sources and dates, never a value', async () => {
    serve([
      { name: 'DB_PASSWORD', source: 'env' },
      { name: 'PAYMENT_KEY', source: 'file', created: CREATED, updated: CREATED },
    ]);
    renderView(test, <SecretsView />);
    expect(await namesShown()).toEqual(['DB_PASSWORD', 'PAYMENT_KEY']);
    const fromFile = within(rowOf('PAYMENT_KEY'));
    expect(fromFile.getByText('secrets file')).toBeTruthy();
    expect(fromFile.getAllByText(new Date(CREATED).toLocaleString())).toHaveLength(2);
    const fromEnv = within(rowOf('DB_PASSWORD'));
    expect(fromEnv.getByText('environment').getAttribute('title')).toBe(
      'The variable API_DEPLOY_SECRET_DB_PASSWORD',
    );
    // a variable's secret is changed where the server starts, not here
    expect(fromEnv.queryByRole('button', { name: /Delete|Replace/ })).toBeNull();
  });

  it('says so when there are no secrets yet', async () => {
    serve();
    renderView(test, <SecretsView />);
    expect(
      await screen.findByText('No secrets yet. Add one above, then read it in a function.'),
    ).toBeTruthy();
  });

  it('adds a secret from a password field, sends the value once and clears it', async () => {
    test.secrets.add(VALUE);
    const values = serve([], ['PAYMENT_KEY']);
    const { user } = renderView(test, <SecretsView />);
    await screen.findByText(/No secrets yet/);
    const valueField = screen.getByLabelText('Value') as HTMLInputElement;
    expect(valueField.type).toBe('password');
    await user.type(screen.getByLabelText('Name'), 'payment_key');
    // typed letters become capitals, as a secret's name is
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('PAYMENT_KEY');
    expect(saveButton().disabled).toBe(true); // no value yet
    await user.type(valueField, VALUE);
    await user.click(saveButton());

    const notice = await screen.findByRole('status', { name: 'Secret saved' });
    expect(notice.textContent).toContain("PAYMENT_KEY saved. Functions read it with secret('PAYMENT_KEY')");
    expect(values.get('PAYMENT_KEY')).toBe(VALUE);
    expect(test.api.callsTo('PUT', '/api/secrets/PAYMENT_KEY')[0]!.body).toEqual({ value: VALUE });
    expect(valueField.value).toBe('');
    expect(await namesShown()).toEqual(['PAYMENT_KEY']);
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it('refuses a bad name before sending anything', async () => {
    serve();
    const { user } = renderView(test, <SecretsView />);
    await screen.findByText(/No secrets yet/);
    await user.type(screen.getByLabelText('Name'), '1-KEY');
    await user.type(screen.getByLabelText('Value'), 'x');
    expect(screen.getByText(/Not a valid name: a secret name is upper-case letters/)).toBeTruthy();
    expect(saveButton().disabled).toBe(true);
    expect(test.api.callsTo('PUT', '/api/secrets/1-KEY')).toHaveLength(0);
  });

  it('replaces a value: Replace puts the name in the form, and the button says what saving does', async () => {
    test.secrets.add(VALUE);
    const values = serve([{ name: 'PAYMENT_KEY', source: 'file', created: CREATED, updated: CREATED }]);
    const { user } = renderView(test, <SecretsView />);
    await table();
    await user.click(within(rowOf('PAYMENT_KEY')).getByRole('button', { name: 'Replace PAYMENT_KEY' }));
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('PAYMENT_KEY');
    expect(document.activeElement).toBe(screen.getByLabelText('Value'));
    expect(screen.getByText('PAYMENT_KEY exists: saving replaces its value.')).toBeTruthy();
    await user.keyboard(VALUE);
    await user.click(screen.getByRole('button', { name: 'Replace secret' }));
    expect((await screen.findByRole('status', { name: 'Secret saved' })).textContent).toContain(
      'PAYMENT_KEY replaced',
    );
    expect(values.get('PAYMENT_KEY')).toBe(VALUE);
  });

  it('will not try to set a secret a variable sets', async () => {
    serve([{ name: 'DB_PASSWORD', source: 'env' }]);
    const { user } = renderView(test, <SecretsView />);
    await table();
    await user.type(screen.getByLabelText('Name'), 'DB_PASSWORD');
    await user.type(screen.getByLabelText('Value'), 'x');
    expect(screen.getByText(/set by the variable API_DEPLOY_SECRET_DB_PASSWORD/)).toBeTruthy();
    expect(saveButton().disabled).toBe(true);
  });

  it('deletes only after confirmation', async () => {
    serve([
      { name: 'OLD_KEY', source: 'file', created: CREATED, updated: CREATED },
      { name: 'PAYMENT_KEY', source: 'file', created: CREATED, updated: CREATED },
    ]);
    const { user } = renderView(test, <SecretsView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Delete OLD_KEY' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this secret?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(test.api.callsTo('DELETE', '/api/secrets/OLD_KEY')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete OLD_KEY' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(async () => expect(await namesShown()).toEqual(['PAYMENT_KEY']));
    expect(test.api.callsTo('DELETE', '/api/secrets/OLD_KEY')).toHaveLength(1);
  });

  it("shows the runtime's refusal in plain words, and keeps what was typed", async () => {
    serve();
    test.api.on('PUT', '/api/secrets/BIG', () =>
      errorReply(422, 'VALIDATION_ERROR', "A secret's value is at most 65536 bytes", {
        details: [{ path: 'value', message: 'at most 65536 bytes' }],
      }),
    );
    const { user } = renderView(test, <SecretsView />);
    await screen.findByText(/No secrets yet/);
    await user.type(screen.getByLabelText('Name'), 'BIG');
    await user.type(screen.getByLabelText('Value'), 'xyz');
    await user.click(saveButton());
    expect((await screen.findByRole('alert')).textContent).toContain(
      "Could not save the secret: A secret's value is at most 65536 bytes",
    );
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('BIG');
    expect((screen.getByLabelText('Value') as HTMLInputElement).value).toBe('xyz');
  });

  it('offers the line of code that reads a secret', async () => {
    serve([{ name: 'PAYMENT_KEY', source: 'file', created: CREATED, updated: CREATED }]);
    const { user } = renderView(test, <SecretsView />);
    await table();
    await user.click(within(rowOf('PAYMENT_KEY')).getByRole('button', { name: 'Copy code' }));
    expect(test.clipboard.text).toBe("secret('PAYMENT_KEY')");
  });
});
