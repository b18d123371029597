// @vitest-environment jsdom
/**
 * The editor's History panel over a fake API, with Monaco's diff editor replaced by two
 * textareas (helpers/fake-monaco.tsx): the versions of a file, one against the editor's text,
 * restore (asking first over unsaved changes), a deleted file brought back; and the editor view
 * opening it, and marking its own saves as the panel's.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { HistoryFile, HistoryVersion, ReloadResult } from '../../src/shared/admin-api.js';
import { keys } from '../../src/renderer/src/api/hooks.js';
import { DeletedFiles, HistoryPanel, type HistoryPanelProps } from '../../src/renderer/src/editor/history.js';
import { EditorView } from '../../src/renderer/src/views/editor.js';
import { fake } from './helpers/fake-monaco.js';
import { registry } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

vi.mock('../../src/renderer/src/editor/monaco.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();

const V1 = `export const price = apiFunction(() => 1);\n`;
const V2 = `export const price = apiFunction(() => 2);\n`;
const CURRENT = `export const price = apiFunction(() => 3);\n`;

const version = (overrides: Partial<HistoryVersion>): HistoryVersion => ({
  id: '1700000000000',
  path: 'shop.ts',
  time: '2025-03-04T05:06:07.000Z',
  source: 'panel',
  size: 812,
  version: 'v-1',
  reload: { ok: true, generation: 3 },
  ...overrides,
});
const VERSIONS: HistoryVersion[] = [
  version({ id: '1700000000300', time: '2025-03-04T07:00:00.000Z', source: 'disk', size: 2048 }),
  version({
    id: '1700000000200',
    time: '2025-03-04T06:00:00.000Z',
    source: 'api',
    reload: { ok: false, generation: 2, error: 'Expected "}" but found end of file' },
  }),
  version({ id: '1700000000100', source: 'restore', restoredFrom: '1699999999999', reload: undefined }),
];
const reload = (): ReloadResult => ({
  message: 'Loaded 1 module(s) with 1 endpoint(s)',
  generation: 9,
  modules: 1,
  endpoints: 1,
  failed: [],
  durationMs: 5,
});

function serveHistory(versions: HistoryVersion[] = VERSIONS) {
  test.api.ok('GET', '/api/history/versions', { path: 'shop.ts', versions });
  for (const [id, content] of [
    ['1700000000300', V2],
    ['1700000000200', V2],
    ['1700000000100', V1],
  ] as const) {
    test.api.ok('GET', `/api/history/versions/${id}`, { ...version({ id }), content });
  }
  test.api.ok('POST', '/api/history/versions/1700000000100/restore', {
    path: 'shop.ts',
    restored: '1700000000100',
    version: 'v-restored',
    historyId: '1700000000400',
    reload: reload(),
  });
}

function renderPanel(props: Partial<HistoryPanelProps> = {}) {
  fake.reset();
  const onRestored = vi.fn();
  const onClose = vi.fn();
  const view = renderView(
    test,
    <HistoryPanel
      path="shop.ts"
      current={CURRENT}
      baseVersion="v-current"
      dirty={false}
      onRestored={onRestored}
      onClose={onClose}
      {...props}
    />,
  );
  const invalidate = vi.spyOn(view.queryClient, 'invalidateQueries');
  return { ...view, onRestored, onClose, invalidated: () => invalidate.mock.calls.map(([f]) => f?.queryKey) };
}

const rows = async () => within(await screen.findByRole('list', { name: 'Versions' })).getAllByRole('button');
const restores = () => test.api.calls.filter((call) => call.path.endsWith('/restore'));

describe('the History panel', () => {
  it('lists the versions newest first: local time, source, size, how the reload went', async () => {
    serveHistory();
    renderPanel();
    const [disk, api, restored] = await rows();
    expect(test.api.callsTo('GET', '/api/history/versions')[0]!.query.get('path')).toBe('shop.ts');
    expect(disk!.textContent).toContain(new Date('2025-03-04T07:00:00.000Z').toLocaleString());
    expect(disk!.querySelector('time')?.getAttribute('dateTime')).toBe('2025-03-04T07:00:00.000Z');
    expect(disk!.textContent).toContain('on disk');
    expect(disk!.textContent).toContain('2.0 kB');
    expect(disk!.textContent).toContain('newest');
    expect(disk!.textContent).toContain('loaded');
    expect(api!.textContent).toContain('API');
    expect(api!.textContent).toContain('812 B');
    const failed = within(api!).getByText('load failed');
    expect(failed.getAttribute('title')).toBe('Expected "}" but found end of file');
    expect(restored!.textContent).toContain('restored');
    expect(restored!.textContent).not.toMatch(/loaded|load failed/);
    expect(screen.getByRole('region', { name: 'History of shop.ts' })).toBeTruthy();
    expect(screen.getByText(/Choose a version/)).toBeTruthy();
  });

  it("shows a chosen version against the editor's text in the diff editor", async () => {
    serveHistory();
    const { user } = renderPanel();
    const [, , oldest] = await rows();
    await user.click(oldest!);
    expect(oldest!.getAttribute('aria-pressed')).toBe('true');
    const diff = await screen.findByTestId('diff-editor');
    expect(diff.dataset.language).toBe('typescript');
    expect(within(diff).getByRole<HTMLTextAreaElement>('textbox', { name: 'Version text' }).value).toBe(V1);
    expect(within(diff).getByRole<HTMLTextAreaElement>('textbox', { name: 'Current text' }).value).toBe(
      CURRENT,
    );
    expect(test.api.callsTo('GET', '/api/history/versions/1700000000100')[0]!.query.get('path')).toBe(
      'shop.ts',
    );
  });

  it('restores a version over the version the editor read, and refreshes what it changes', async () => {
    serveHistory();
    const { user, onRestored, invalidated } = renderPanel();
    await user.click((await rows())[2]!);
    await user.click(await screen.findByRole('button', { name: /Restore this version/ }));
    await waitFor(() => expect(onRestored).toHaveBeenCalledTimes(1));
    expect(restores()).toHaveLength(1);
    expect(restores()[0]!.body).toEqual({ path: 'shop.ts', baseVersion: 'v-current' });
    expect(onRestored.mock.calls[0]![0]).toMatchObject({ restored: '1700000000100', version: 'v-restored' });
    expect(invalidated()).toEqual(expect.arrayContaining([keys.history, keys.files, keys.registry]));
  });

  it('asks before a restore replaces unsaved changes', async () => {
    serveHistory();
    const { user, onRestored } = renderPanel({ dirty: true });
    await user.click((await rows())[2]!);
    await user.click(await screen.findByRole('button', { name: /Restore this version/ }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('unsaved changes are lost');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(restores()).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: /Restore this version/ }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(onRestored).toHaveBeenCalledTimes(1));
    expect(restores()).toHaveLength(1);
  });

  it('shows why a restore was refused', async () => {
    serveHistory();
    test.api.fail(
      'POST',
      '/api/history/versions/1700000000100/restore',
      409,
      'FILE_CHANGED',
      '"shop.ts" changed on disk since it was opened: nothing was saved',
    );
    const { user, onRestored } = renderPanel();
    await user.click((await rows())[2]!);
    await user.click(await screen.findByRole('button', { name: /Restore this version/ }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The version is not restored');
    expect(alert.textContent).toContain('FILE_CHANGED');
    expect(onRestored).not.toHaveBeenCalled();
  });

  it('says when a file has no versions yet, and closes', async () => {
    serveHistory([]);
    const { user, onClose } = renderPanel();
    expect(await screen.findByText(/No versions yet/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close the history' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('brings a deleted file back: compared with nothing, restored as a new file', async () => {
    serveHistory();
    const { user, onRestored } = renderPanel({ current: undefined, baseVersion: null });
    expect(await screen.findByText('deleted')).toBeTruthy();
    await user.click((await rows())[2]!);
    const diff = await screen.findByTestId('diff-editor');
    expect(within(diff).getByRole<HTMLTextAreaElement>('textbox', { name: 'Current text' }).value).toBe('');
    await user.click(screen.getByRole('button', { name: /Restore the file/ }));
    await waitFor(() => expect(onRestored).toHaveBeenCalled());
    expect(restores()[0]!.body).toEqual({ path: 'shop.ts', baseVersion: null });
  });
});

describe('the deleted files', () => {
  it('lists files with a history that are gone, as links to open them', async () => {
    const files: HistoryFile[] = [
      { path: 'shop.ts', versions: 3, latest: '2025-03-04T07:00:00.000Z', deleted: false },
      { path: 'billing/old.ts', versions: 1, latest: '2025-03-04T07:00:00.000Z', deleted: true },
    ];
    test.api.ok('GET', '/api/history', { files });
    renderView(test, <DeletedFiles />);
    const section = await screen.findByRole('region', { name: 'Deleted files' });
    const links = within(section).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual(['billing/old.tsdeleted']);
    expect(links[0]!.getAttribute('href')).toBe('/editor/billing/old.ts');
    expect(links[0]!.getAttribute('title')).toContain('1 version,');
  });

  it('shows nothing when no file was deleted', async () => {
    test.api.ok('GET', '/api/history', { files: [] });
    const { container } = renderView(test, <DeletedFiles />);
    await waitFor(() => expect(test.api.callsTo('GET', '/api/history')).toHaveLength(1));
    expect(container.textContent).toBe('');
  });
});

describe('the editor view with the history', () => {
  function serveEditor() {
    test.api.ok('GET', '/api/files', [
      { path: 'shop.ts', type: 'file', size: 10, modified: '2025-01-01T00:00:00.000Z', module: 'shop' },
    ]);
    test.api.ok('GET', '/api/history', { files: [] });
    test.api.ok('GET', '/api/endpoints', registry());
    test.api.ok('GET', '/api/files/shop.ts', {
      path: 'shop.ts',
      content: CURRENT,
      modified: '2025-01-01T00:00:00.000Z',
      version: 'v-current',
    });
    test.api.ok('POST', '/api/files/check', { diagnostics: [] });
    test.api.ok('PUT', '/api/files/shop.ts', {
      path: 'shop.ts',
      saved: true,
      version: 'v-saved',
      reload: reload(),
    });
    serveHistory();
  }

  it("opens the open file's history, restores a version and reads the file again", async () => {
    serveEditor();
    fake.reset();
    const { user } = renderView(test, <EditorView file="shop.ts" />, { path: '/editor/shop.ts' });
    await screen.findByRole('textbox', { name: 'Code' });
    const button = screen.getByRole('button', { name: /History/ });
    expect(button.getAttribute('aria-pressed')).toBe('false');
    await user.click(button);
    expect(button.getAttribute('aria-pressed')).toBe('true');
    await user.click((await rows())[2]!);
    const diff = await screen.findByTestId('diff-editor');
    expect(within(diff).getByRole<HTMLTextAreaElement>('textbox', { name: 'Current text' }).value).toBe(
      CURRENT,
    );
    await user.click(screen.getByRole('button', { name: /Restore this version/ }));
    expect(await screen.findByText('Restored shop.ts')).toBeTruthy();
    expect(restores()[0]!.body).toEqual({ path: 'shop.ts', baseVersion: 'v-current' });
    await waitFor(() => expect(test.api.callsTo('GET', '/api/files/shop.ts')).toHaveLength(2));
    // The panel stays open over the file read again.
    expect(screen.getByRole('region', { name: 'History of shop.ts' })).toBeTruthy();
  });

  it("marks the editor's saves as the panel's, for the history", async () => {
    serveEditor();
    fake.reset();
    const { user } = renderView(test, <EditorView file="shop.ts" />, { path: '/editor/shop.ts' });
    const area = await screen.findByRole('textbox', { name: 'Code' });
    await user.type(area, '!');
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    await waitFor(() => expect(test.api.callsTo('PUT', '/api/files/shop.ts')).toHaveLength(1));
    expect(test.api.callsTo('PUT', '/api/files/shop.ts')[0]!.headers.get('x-api-deploy-source')).toBe(
      'panel',
    );
    // Every admin call says so (the Logs view tells the panel's own request lines by it).
    expect(test.api.callsTo('GET', '/api/files/shop.ts')[0]!.headers.get('x-api-deploy-source')).toBe(
      'panel',
    );
  });
});
