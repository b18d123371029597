// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ReloadConfigResult, ReloadResult } from '../../src/shared/admin-api.js';
import { OverviewView } from '../../src/renderer/src/views/overview.js';
import { deferred, okReply } from './helpers/fake-api.js';
import { BROKEN, registry, status } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();
// The first-run hint reads the registry: a workspace past its first API, unless a test says otherwise.
beforeEach(() => test.api.ok('GET', '/api/endpoints', registry()));

/** The value shown under a figure's label. */
async function figure(label: string): Promise<string> {
  const figures = await screen.findByRole('region', { name: 'Figures' });
  const labelElement = within(figures).getByText(label, { selector: '.label' });
  return labelElement.nextElementSibling?.textContent ?? '';
}

const RELOADED: ReloadResult = {
  message: 'Loaded 2 module(s) with 3 endpoint(s)',
  generation: 8,
  modules: 2,
  endpoints: 3,
  failed: [],
  durationMs: 41.6,
};

describe('the overview', () => {
  it('counts the uptime itself and reads the status again only every 30 s (the events say the rest)', async () => {
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    onTestFinished(() => void vi.useRealTimers());
    test.api.ok('GET', '/api/status', status({ uptime: 3_590 }));
    renderView(test, <OverviewView />);
    expect(await figure('Uptime')).toBe('59 min');
    await act(() => vi.advanceTimersByTimeAsync(12_000));
    expect(await figure('Uptime')).toBe('1 h 0 min');
    expect(test.api.callsTo('GET', '/api/status')).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(17_000));
    expect(test.api.callsTo('GET', '/api/status')).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(test.api.callsTo('GET', '/api/status')).toHaveLength(2);
  });

  it('opens the workspace folders through the desktop bridge, and offers no such button in a browser', async () => {
    test.api.ok('GET', '/api/status', status());
    const opened: string[] = [];
    window.apiDeploy = {
      appVersion: '0.1.0',
      getSession: () => Promise.resolve({ runtimeUrl: '', adminToken: 'admin-secret' }),
      openFolder: (which) => Promise.resolve(void opened.push(which)),
    };
    try {
      const view = renderView(test, <OverviewView />);
      (await screen.findByRole('button', { name: 'APIs folder' })).click();
      screen.getByRole('button', { name: 'Logs folder' }).click();
      expect(opened).toEqual(['apis', 'logs']);
      view.unmount();
    } finally {
      delete window.apiDeploy;
    }
    renderView(test, <OverviewView />);
    await screen.findByRole('region', { name: 'Server' });
    expect(screen.queryByRole('button', { name: 'APIs folder' })).toBeNull();
  });

  it('shows the server and its figures', async () => {
    test.api.ok('GET', '/api/status', status());
    renderView(test, <OverviewView />);
    const server = await screen.findByRole('region', { name: 'Server' });
    expect(server.textContent).toContain('Running');
    expect(server.textContent).toContain('version 0.1.0');
    expect(within(server).getByText('http://127.0.0.1:8000')).toBeTruthy();
    expect(within(server).getByText('/srv/app/apis')).toBeTruthy();
    expect(within(server).getByText('/srv/app/api-deploy.config.json')).toBeTruthy();
    expect(within(server).getByText('/srv/app/logs/api_2025-01-01.log')).toBeTruthy();

    expect(await figure('Uptime')).toBe('2 h 5 min');
    expect(await figure('Hot reload')).toBe('On');
    expect(await figure('Modules')).toBe('2');
    expect(await figure('Endpoints')).toBe('3');
    expect(await figure('Failing modules')).toBe('0');
    expect(await figure('Generation')).toBe('7');
    expect(await figure('Workers')).toBe('2–6');
    expect(await figure('Memory')).toBe('83 MB');
    expect(screen.queryByRole('region', { name: 'Failing modules' })).toBeNull();
  });

  it('says when hot reload is off and there is no config file', async () => {
    test.api.ok('GET', '/api/status', status({ hotReload: false, configPath: undefined, uptime: 42 }));
    renderView(test, <OverviewView />);
    expect(await figure('Hot reload')).toBe('Off');
    expect(await figure('Uptime')).toBe('42 s');
    expect(screen.getByRole('region', { name: 'Server' }).textContent).not.toContain('Config');
  });

  it('lists failing modules with file:line:column, linking to the file in the editor', async () => {
    const noLine = { module: 'half', file: 'sub/half.ts', message: 'Cannot find module "./gone"' };
    test.api.ok('GET', '/api/status', status({ failedModules: [BROKEN, noLine] }));
    const { user, path } = renderView(test, <OverviewView />);
    const failing = await screen.findByRole('region', { name: 'Failing modules' });
    expect(await figure('Failing modules')).toBe('2');
    expect(within(failing).getByText('broken')).toBeTruthy();
    expect(within(failing).getByText(BROKEN.message)).toBeTruthy();
    const link = within(failing).getByRole('link', { name: 'broken.ts:3:7' });
    expect(link.getAttribute('href')).toBe('/editor/broken.ts');
    expect(within(failing).getByRole('link', { name: 'sub/half.ts' }).getAttribute('href')).toBe(
      '/editor/sub/half.ts',
    );
    await user.click(link);
    expect(path()).toBe('/editor/broken.ts');
  });

  it('sends a module that lacks a package to the Packages view', async () => {
    const lacking = {
      module: 'dates',
      file: 'dates.ts',
      message: 'MissingPackageError: the package "dayjs" is not installed in this workspace',
      missingPackage: 'dayjs',
    };
    test.api.ok('GET', '/api/status', status({ failedModules: [lacking] }));
    const { user, path } = renderView(test, <OverviewView />);
    const failing = await screen.findByRole('region', { name: 'Failing modules' });
    await user.click(within(failing).getByRole('link', { name: 'Install dayjs in the Packages view' }));
    expect(path()).toBe('/packages');
  });

  it('shows why the status cannot be read', async () => {
    test.api.on('GET', '/api/status', () => Promise.reject(new TypeError('Failed to fetch')));
    renderView(test, <OverviewView />);
    expect((await screen.findByRole('alert')).textContent).toContain('The API server cannot be reached');
  });

  it('Reload APIs posts /api/reload and shows the result', async () => {
    test.api.ok('GET', '/api/status', status());
    const answer = deferred<Response>();
    test.api.on('POST', '/api/reload', () => answer.promise);
    const { user } = renderView(test, <OverviewView />);
    await screen.findByRole('region', { name: 'Figures' });
    await user.click(screen.getByRole('button', { name: 'Reload APIs' }));
    const pending = (await screen.findByRole('button', { name: 'Reloading…' })) as HTMLButtonElement;
    expect(pending.disabled).toBe(true);
    answer.resolve(okReply(RELOADED, '/api/reload'));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toBe(
      'Loaded 2 module(s) with 3 endpoint(s): 2 modules, 3 endpoints in 42 ms.',
    );
    expect(notice.className).toContain('good');
    expect(test.api.callsTo('POST', '/api/reload')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Reload APIs' })).toBeTruthy();
  });

  it('a reload with failing modules says how many failed', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.ok('POST', '/api/reload', {
      ...RELOADED,
      message: 'Loaded 1 module(s) with 1 endpoint(s); 1 module(s) failed',
      modules: 1,
      endpoints: 1,
      failed: [BROKEN],
    });
    const { user } = renderView(test, <OverviewView />);
    await user.click(await screen.findByRole('button', { name: 'Reload APIs' }));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toContain(', 1 failed.');
    expect(notice.className).toContain('bad');
  });

  it('a refused reload is shown as an error', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.fail('POST', '/api/reload', 500, 'INTERNAL_ERROR', 'Internal server error');
    const { user } = renderView(test, <OverviewView />);
    await user.click(await screen.findByRole('button', { name: 'Reload APIs' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Reload failed: Internal server error');
    expect(alert.textContent).toContain('INTERNAL_ERROR');
  });

  it('Reload config posts /api/reload-config and names the keys that need a restart', async () => {
    test.api.ok('GET', '/api/status', status());
    const result: ReloadConfigResult = {
      message: 'Config reloaded; changed: port, debug. A restart is needed for port to take effect',
      changed: ['port', 'debug'],
      restartRequired: ['port'],
    };
    test.api.ok('POST', '/api/reload-config', result);
    const { user } = renderView(test, <OverviewView />);
    await user.click(await screen.findByRole('button', { name: 'Reload config' }));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toContain(result.message);
    expect(notice.textContent).toContain('changed: port, debug');
    expect(within(notice).getByText(/Restart needed for: port/)).toBeTruthy();
    expect(test.api.callsTo('POST', '/api/reload-config')).toHaveLength(1);
    // The config may change anything shown: the status is read again.
    await waitFor(() => expect(test.api.callsTo('GET', '/api/status').length).toBeGreaterThan(1));
  });

  it('Reload config with nothing changed shows the message alone', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.ok('POST', '/api/reload-config', {
      message: 'Config reloaded; nothing changed',
      changed: [],
      restartRequired: [],
    });
    const { user } = renderView(test, <OverviewView />);
    await user.click(await screen.findByRole('button', { name: 'Reload config' }));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toBe('Config reloaded; nothing changed');
  });

  it('says when this replica has lost the Redis it shares state through, and nothing of it for a single process', async () => {
    test.api.ok('GET', '/api/status', status());
    const alone = renderView(test, <OverviewView />);
    expect((await screen.findByRole('region', { name: 'Server' })).textContent).not.toContain('Shared state');
    alone.unmount();
    test.api.ok(
      'GET',
      '/api/status',
      status({
        sharedState: {
          store: 'redis',
          redis: 'unreachable',
          since: '2025-01-01T10:00:00.000Z',
          syncedAt: '2025-01-01T09:59:00.000Z',
          replica: 'a1',
        },
      }),
    );
    renderView(test, <OverviewView />);
    const server = await screen.findByRole('region', { name: 'Server' });
    await waitFor(() => expect(server.textContent).toContain('Shared state'));
    expect(server.textContent).toContain('Redis unreachable');
    expect(server.textContent).toContain('changes are refused');
  });

  it("lists a cluster's processes, the one that answered marked, and no such list for a single process", async () => {
    test.api.ok('GET', '/api/status', status());
    const alone = renderView(test, <OverviewView />);
    await screen.findByRole('region', { name: 'Server' });
    expect(screen.queryByRole('region', { name: 'Processes' })).toBeNull();
    alone.unmount();
    const process = (number: number, answering: boolean) => ({
      number,
      pid: 4000 + number,
      answering,
      lifecycle: 'serving' as const,
      generation: 3,
      modules: 2,
      endpoints: 3,
      failedModules: number === 2 ? 1 : 0,
      inFlight: number,
      rssMb: 80 + number,
      uptime: 61,
      reportedAt: '2025-01-01T10:00:00.000Z',
    });
    test.api.ok(
      'GET',
      '/api/status',
      status({ cluster: { processes: [process(1, false), process(2, true)] } }),
    );
    renderView(test, <OverviewView />);
    const table = await screen.findByRole('table', { name: 'Processes' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()));
    expect(rows).toEqual([
      ['1', '4001', 'serving', '3', '3', '1', '81 MB', expect.any(String)],
      ['2 (answered this page)', '4002', 'serving', '3', '3 (1 failing)', '2', '82 MB', expect.any(String)],
    ]);
  });
});

describe('the overview for a new user', () => {
  it('warns while the README’s documented tokens work, saying which and what to do', async () => {
    test.api.ok('GET', '/api/status', status({ documentedTokens: ['admin', 'business'] }));
    renderView(test, <OverviewView />);
    const warning = await screen.findByRole('alert', { name: 'Documented tokens in use' });
    expect(warning.textContent).toContain('The documented admin token works here');
    expect(warning.textContent).toContain(
      'your-admin-token and your-business-token are printed in the README',
    );
    expect(within(warning).getByRole('link', { name: 'Tokens' }).getAttribute('href')).toBe('/tokens');
  });

  it('says nothing of documented tokens once they are gone', async () => {
    test.api.ok('GET', '/api/status', status());
    renderView(test, <OverviewView />);
    await screen.findByText('Running');
    expect(screen.queryByRole('alert', { name: 'Documented tokens in use' })).toBeNull();
  });

  it('shows how to write a first API while only the template is there, until put away', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.ok('GET', '/api/endpoints', registry({ modules: [registry().modules[0]!] }));
    const { user, unmount } = renderView(test, <OverviewView />);
    const hint = await screen.findByRole('region', { name: 'Write your first API' });
    expect(within(hint).getByRole('link', { name: 'Open the editor' }).getAttribute('href')).toBe('/editor');
    await user.click(within(hint).getByRole('button', { name: 'Put this hint away' }));
    expect(screen.queryByRole('region', { name: 'Write your first API' })).toBeNull();
    unmount();
    renderView(test, <OverviewView />);
    await screen.findByText('Running');
    expect(screen.queryByRole('region', { name: 'Write your first API' })).toBeNull();
  });

  it('has no hint once the workspace has a module of its own', async () => {
    test.api.ok('GET', '/api/status', status());
    renderView(test, <OverviewView />);
    await screen.findByText('Running');
    await waitFor(() => expect(test.api.callsTo('GET', '/api/endpoints')).toHaveLength(1));
    expect(screen.queryByRole('region', { name: 'Write your first API' })).toBeNull();
  });
});
