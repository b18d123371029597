// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PackageInfo, PackageJob } from '../../src/shared/admin-api.js';
import { PackagesView } from '../../src/renderer/src/views/packages.js';
import { errorReply, FakeEventStream, okReply } from './helpers/fake-api.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();

const job = (overrides: Partial<PackageJob> = {}): PackageJob => ({
  id: 'job-1',
  action: 'install',
  name: 'dayjs',
  wanted: 'latest',
  state: 'queued',
  output: [],
  queuedAt: '2025-03-01T10:00:00.000Z',
  ...overrides,
});

/** The runtime's packages API: a list, installs and removals that answer a job, its stream. */
function serve({
  packages = [] as PackageInfo[],
  missing = [] as string[],
  npmAvailable = true,
  jobs = [] as PackageJob[],
} = {}) {
  const state = { packages, missing, npmAvailable, jobs };
  const stream = new FakeEventStream();
  test.api.ok('GET', '/api/packages', () => state);
  test.api.on('GET', '/api/packages/jobs/job-1/stream', stream.route);
  return { state, stream };
}

const table = () => screen.findByRole('table', { name: 'Packages' });

describe('the packages view', () => {
  it('lists the packages with the version wanted and the one installed', async () => {
    serve({
      packages: [
        { name: '@scope/pad', wanted: '^1.0.0', installed: '1.2.0' },
        { name: 'dayjs', wanted: 'latest' },
      ],
    });
    renderView(test, <PackagesView />);
    const rows = within(await table()).getAllByRole('row');
    expect(rows[1]!.textContent).toContain('@scope/pad^1.0.01.2.0');
    expect(rows[2]!.textContent).toContain('not installed');
  });

  it('installs by name and version, follows npm live, and says how it went', async () => {
    const { state, stream } = serve();
    test.api.on('POST', '/api/packages', () => okReply({ job: job({ wanted: '1.11.0' }) }, '/api/packages'));
    const { user } = renderView(test, <PackagesView />);
    await screen.findByText(/No packages yet/);
    await user.type(screen.getByLabelText('Package'), 'dayjs');
    await user.type(screen.getByLabelText('Version'), '1.11.0');
    await user.click(screen.getByRole('button', { name: 'Install' }));

    expect(test.api.callsTo('POST', '/api/packages')[0]!.body).toEqual({ name: 'dayjs', version: '1.11.0' });
    const panel = await screen.findByRole('region', { name: 'npm' });
    expect(within(panel).getByText('Install dayjs@1.11.0')).toBeTruthy();
    await waitFor(() => expect(stream.connections).toBe(1));
    stream.send('state', job({ wanted: '1.11.0', state: 'running' }));
    stream.send('output', { line: 'npm http fetch GET 200 https://registry.npmjs.org/dayjs 80ms' });
    await within(panel).findByText(/registry\.npmjs\.org\/dayjs/);
    expect((screen.getByRole('button', { name: 'Install' }) as HTMLButtonElement).disabled).toBe(true);

    state.packages = [{ name: 'dayjs', wanted: '1.11.0', installed: '1.11.0' }];
    stream.send(
      'state',
      job({
        wanted: '1.11.0',
        state: 'succeeded',
        output: ['npm http fetch GET 200 https://registry.npmjs.org/dayjs 80ms', 'added 1 package in 1s'],
        reload: { generation: 3, endpoints: 4, failed: 0 },
      }),
    );
    expect(await within(panel).findByText('done')).toBeTruthy();
    expect(within(panel).getByText(/Modules reloaded: 4 endpoints, no failures/)).toBeTruthy();
    expect(within(await table()).getByText('dayjs')).toBeTruthy();
    await waitFor(() => expect(stream.connections).toBe(0));
  });

  it('says why an install failed in plain words, and that nothing changed', async () => {
    const { stream } = serve();
    test.api.on('POST', '/api/packages', () => okReply({ job: job({ name: 'dayjz' }) }, '/api/packages'));
    const { user } = renderView(test, <PackagesView />);
    await user.type(screen.getByLabelText('Package'), 'dayjz');
    await user.click(screen.getByRole('button', { name: 'Install' }));
    await waitFor(() => expect(stream.connections).toBe(1));
    stream.send(
      'state',
      job({ name: 'dayjz', state: 'failed', error: 'npm has no package named dayjz: check the spelling' }),
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      'npm has no package named dayjz: check the spelling. The packages are as they were.',
    );
  });

  it("shows the runtime's refusal of a bad name, and runs nothing", async () => {
    serve();
    test.api.on('POST', '/api/packages', () =>
      errorReply(400, 'INVALID_PACKAGE', '"Bad Name" is not a valid npm package name'),
    );
    const { user } = renderView(test, <PackagesView />);
    await user.type(screen.getByLabelText('Package'), 'Bad Name');
    await user.click(screen.getByRole('button', { name: 'Install' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'npm was not run: "Bad Name" is not a valid npm package name',
    );
    expect(screen.queryByRole('region', { name: 'npm' })).toBeNull();
  });

  it('offers to install what the modules import and lack', async () => {
    serve({ missing: ['dayjs'] });
    test.api.on('POST', '/api/packages', () =>
      okReply({ job: job({ state: 'succeeded' }) }, '/api/packages'),
    );
    const { user } = renderView(test, <PackagesView />);
    const missing = await screen.findByRole('region', { name: 'Missing packages' });
    await user.click(within(missing).getByRole('button', { name: 'Install dayjs' }));
    expect(test.api.callsTo('POST', '/api/packages')[0]!.body).toEqual({ name: 'dayjs' });
  });

  it('removes a package only after confirmation', async () => {
    serve({ packages: [{ name: '@scope/pad', wanted: '^1.0.0', installed: '1.2.0' }] });
    test.api.on('DELETE', '/api/packages/%40scope/pad', () =>
      okReply({ job: job({ action: 'remove', name: '@scope/pad', state: 'succeeded' }) }, '/api/packages'),
    );
    const { user } = renderView(test, <PackagesView />);
    await table();
    await user.click(screen.getByRole('button', { name: 'Remove @scope/pad' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(test.api.callsTo('DELETE', '/api/packages/%40scope/pad')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Remove @scope/pad' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Remove @scope/pad')).toBeTruthy();
    expect(test.api.callsTo('DELETE', '/api/packages/%40scope/pad')).toHaveLength(1);
  });

  it('arrives with the name typed in from the editor\'s "Install" link', async () => {
    serve();
    renderView(test, <PackagesView install="@scope/pad" />);
    expect((screen.getByLabelText('Package') as HTMLInputElement).value).toBe('@scope/pad');
    await screen.findByText(/No packages yet/);
  });

  it('says plainly when npm cannot be found', async () => {
    serve({ npmAvailable: false });
    renderView(test, <PackagesView />);
    expect((await screen.findByRole('alert')).textContent).toContain('npm cannot be found');
    expect((screen.getByRole('button', { name: 'Install' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
