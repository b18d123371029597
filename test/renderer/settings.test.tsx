// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConfigUpdateResult, ConfigView } from '../../src/shared/config-api.js';
import { SettingsView } from '../../src/renderer/src/views/settings.js';
import { deferred, okReply } from './helpers/fake-api.js';
import { configView, editableConfig } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();

/** `GET /api/config`, and `PUT /api/config` merging the change as the runtime does. */
function serve(view: ConfigView = configView(), restartRequired: string[] = ['port']) {
  test.api.ok('GET', '/api/config', view);
  test.api.on('PUT', '/api/config', (call) => {
    const { config: changes } = call.body as { config: Record<string, unknown> };
    const { logging, ...rest } = changes as { logging?: object };
    const config = { ...view.config, ...rest, logging: { ...view.config.logging, ...logging } };
    const result: ConfigUpdateResult = {
      config,
      restartRequired,
      pendingRestart: (['host', 'port'] as const).filter(
        (key) => key in changes && restartRequired.includes(key),
      ),
      overridden: view.overridden,
      reload: {
        message: `Config reloaded; changed: ${Object.keys(changes).join(', ')}`,
        changed: Object.keys(changes),
        restartRequired,
      },
    };
    return okReply(result, '/api/config');
  });
}

const input = (label: RegExp | string) => screen.getByLabelText(label) as HTMLInputElement;
const port = () => input(/^Port/);
const saveButton = () => screen.getByRole('button', { name: /^Save/ }) as HTMLButtonElement;
const saveLabel = () => saveButton().textContent?.trim();
const discardButton = () => screen.getByRole('button', { name: 'Discard' }) as HTMLButtonElement;
/** The text shown under a field: its help, or the problem with it. */
const helpOf = (element: HTMLElement) =>
  document.getElementById(element.getAttribute('aria-describedby')!)!.textContent;
const puts = () => test.api.callsTo('PUT', '/api/config');

function setValue(element: HTMLElement, value: string) {
  fireEvent.change(element, { target: { value } });
}

async function loaded() {
  await screen.findByRole('group', { name: 'Server' });
}

describe('the settings view', () => {
  it('fills the form from GET /api/config, grouped, nothing to save yet', async () => {
    serve();
    renderView(test, <SettingsView />);
    await loaded();
    expect(screen.getAllByRole('group').map((group) => group.querySelector('legend')?.textContent)).toEqual([
      'Server',
      'APIs',
      'Security',
      'Connections',
      'Logging',
    ]);
    expect(screen.getByText('/srv/app/api-deploy.config.json')).toBeTruthy();
    expect(input(/^Host/).value).toBe('127.0.0.1');
    expect(port().value).toBe('8000');
    expect(input('Hot reload').checked).toBe(true);
    expect(input('Debug').checked).toBe(false);
    expect(input('CORS origins').value).toBe('http://localhost:3000');
    expect(input('Log to file').checked).toBe(true);
    expect(input('Rotation').value).toBe('1 day');
    expect(screen.getByLabelText(/^Port/).closest('.setting')!.textContent).toContain('restart');
    expect(helpOf(port())).toBe('Port to listen on (0: any free port).');
    expect(saveLabel()).toBe('Save');
    expect(saveButton().disabled).toBe(true);
    expect(discardButton().disabled).toBe(true);
  });

  it('sends only the changed keys, logging keys under logging, and says what needs a restart', async () => {
    serve();
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    await user.clear(port());
    await user.type(port(), '9000');
    await user.click(input('Log to file'));
    expect(saveLabel()).toBe('Save (2)');
    await user.click(saveButton());

    const notice = await screen.findByText(/^Saved\./);
    expect(puts()).toHaveLength(1);
    expect(puts()[0]!.body).toEqual({ config: { port: 9000, logging: { logToFile: false } } });
    expect(puts()[0]!.headers.get('content-type')).toBe('application/json');
    expect(notice.textContent).toContain('Saved. Config reloaded; changed: port, logging.');
    expect(screen.getByRole('status', { name: 'restart needed' }).textContent).toContain(
      'Restart the server to apply: port.',
    );
    // The form now shows the config in effect, with nothing left to save.
    await waitFor(() => expect(saveLabel()).toBe('Save'));
    expect(port().value).toBe('9000');
    expect(input('Log to file').checked).toBe(false);
  });

  it('says a restart is still needed when the page opens after the change, and which keys a flag holds', async () => {
    serve(configView({ pendingRestart: ['port'], overridden: ['host'] }), []);
    renderView(test, <SettingsView />);
    await loaded();
    expect(screen.getByRole('status', { name: 'restart needed' }).textContent).toContain(
      'Restart the server to apply: port.',
    );
    const host = input(/^Host/);
    expect(host.closest('.setting')!.textContent).toContain('set by a flag');
    expect(helpOf(host)).toMatch(/^Set by a command-line flag or an API_DEPLOY_ variable, which wins/);
    expect(port().closest('.setting')!.textContent).not.toContain('set by a flag');
    expect(helpOf(port())).toBe('Port to listen on (0: any free port).');
  });

  it('says nothing of a restart when none is needed', async () => {
    serve(configView(), []);
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    await user.click(input('Debug'));
    await user.click(saveButton());
    const notice = await screen.findByRole('status');
    expect(puts()[0]!.body).toEqual({ config: { debug: true } });
    expect(notice.textContent).toBe('Saved. Config reloaded; changed: debug.');
    expect(notice.className).toContain('good');
    expect(screen.queryByRole('status', { name: 'restart needed' })).toBeNull();
  });

  it('sends a list one item per line', async () => {
    serve();
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(input('CORS origins'), 'http://localhost:3000\n\n https://app.example.com \n');
    await user.click(saveButton());
    await screen.findByRole('status');
    expect(puts()[0]!.body).toEqual({
      config: { corsOrigins: ['http://localhost:3000', 'https://app.example.com'] },
    });
  });

  it('says it is saving', async () => {
    serve();
    const held = deferred<Response>();
    test.api.on('PUT', '/api/config', () => held.promise);
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    await user.click(input('Debug'));
    await user.click(saveButton());
    const saving = await screen.findByRole('button', { name: 'Saving…' });
    expect((saving as HTMLButtonElement).disabled).toBe(true);
    held.resolve(
      okReply(
        {
          config: { ...editableConfig(), debug: true },
          restartRequired: [],
          pendingRestart: [],
          overridden: [],
          reload: { message: 'Config reloaded; changed: debug', changed: ['debug'], restartRequired: [] },
        },
        '/api/config',
      ),
    );
    await screen.findByRole('status');
  });

  it("shows the server's refusal by the field at fault", async () => {
    serve();
    const message = '"port": Too big: expected number to be <=65535';
    test.api.fail(
      'PUT',
      '/api/config',
      422,
      'INVALID_CONFIG',
      `Config not saved, nothing was written: /srv/app/api-deploy.config.json: ${message}`,
      [{ path: 'port', message }],
    );
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(port(), '70000');
    await user.click(saveButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not saved: Config not saved, nothing was written');
    expect(helpOf(port())).toBe(message);
    expect(port().getAttribute('aria-invalid')).toBe('true');
    expect(port().value).toBe('70000');
    expect(input(/^Host/).getAttribute('aria-invalid')).toBeNull();
  });

  it('places a request validation error (config.<key>) by its field too', async () => {
    serve();
    test.api.fail('PUT', '/api/config', 422, 'VALIDATION_ERROR', 'Invalid parameters', [
      { path: 'config.logging.logRotation', message: 'Expected "1 day", "1 hour" or a size' },
    ]);
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(input('Rotation'), 'weekly');
    await user.click(saveButton());
    await screen.findByRole('alert');
    expect(helpOf(input('Rotation'))).toBe('Expected "1 day", "1 hour" or a size');
  });

  it('Discard puts back the config in effect', async () => {
    serve();
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(port(), '9000');
    await user.click(input('Log to file'));
    setValue(input('CORS origins'), '');
    expect(saveLabel()).toBe('Save (3)');
    await user.click(discardButton());
    expect(port().value).toBe('8000');
    expect(input('Log to file').checked).toBe(true);
    expect(input('CORS origins').value).toBe('http://localhost:3000');
    expect(saveButton().disabled).toBe(true);
    expect(puts()).toEqual([]);
  });

  it('Discard after a refusal also clears the problem shown by the field', async () => {
    serve();
    const message = '"port": Too big: expected number to be <=65535';
    test.api.fail('PUT', '/api/config', 422, 'INVALID_CONFIG', `Config not saved: ${message}`, [
      { path: 'port', message },
    ]);
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(port(), '70000');
    await user.click(saveButton());
    await screen.findByRole('alert');
    await user.click(discardButton());
    expect(port().value).toBe('8000');
    expect(helpOf(port())).toBe('Port to listen on (0: any free port).');
    expect(port().getAttribute('aria-invalid')).toBeNull();
  });

  it('reports a value that is not a whole number by its field, and sends nothing', async () => {
    serve();
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    setValue(port(), '80.5');
    await user.click(input('Debug'));
    await user.click(saveButton());
    expect(helpOf(port())).toBe('A whole number is expected');
    expect(port().getAttribute('aria-invalid')).toBe('true');
    expect(puts()).toEqual([]);
  });

  it('reports a value that is not a whole number even when it is the only change', async () => {
    serve();
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    await user.clear(port());
    await user.type(port(), '80x{Enter}');
    if (!saveButton().disabled) await user.click(saveButton());
    expect(helpOf(port())).toBe('A whole number is expected');
    expect(puts()).toEqual([]);
  });

  it('cannot save without a config file', async () => {
    serve(configView({ path: null }));
    const { user } = renderView(test, <SettingsView />);
    await loaded();
    expect(screen.getByText('No config file: the server runs on defaults.')).toBeTruthy();
    await user.click(input('Debug'));
    expect(saveLabel()).toBe('Save (1)');
    expect(saveButton().disabled).toBe(true);
  });
});
