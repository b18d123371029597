// @vitest-environment jsdom
/**
 * The editor and the file on disk changing behind its back: saves based on the version the
 * text was edited from, a save refused for it (409 FILE_CHANGED), and the runtime's `reloaded`
 * events making the open file read again. The fake API keeps one file, template.ts, on a fake
 * disk that the test also writes to, as another editor would; the runtime's event stream is
 * followed as the layout does.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { FileEntry, ReloadResult, SavedFile } from '../../src/shared/admin-api.js';
import { useRuntimeEvents } from '../../src/renderer/src/api/hooks.js';
import { EditorView } from '../../src/renderer/src/views/editor.js';
import { deferred, errorReply, FakeEventStream, okReply } from './helpers/fake-api.js';
import { fake } from './helpers/fake-monaco.js';
import { registry } from './helpers/fixtures.js';
import { makeUser, renderView, setupPanelTest } from './helpers/render.js';

vi.mock('../../src/renderer/src/editor/monaco.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();

const PATH = 'template.ts';
const URL_PATH = '/api/files/template.ts';
const TEMPLATE = `import { apiFunction } from 'api-deploy';\nexport const hi = apiFunction(() => 'hi');\n`;
const RELOAD: ReloadResult = {
  message: 'Loaded 1 module(s) with 1 endpoint(s)',
  generation: 2,
  modules: 1,
  endpoints: 1,
  failed: [],
  durationMs: 5,
};

/** A digest of the text, as the server's version is. */
const versionOf = (text: string) =>
  `v-${[...text].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0, 7).toString(36)}`;

/**
 * The fake disk and API: GET and the tree answer what is on disk, PUT saves as the server does
 * (409 FILE_CHANGED when `baseVersion` is no longer the file's) and, as the runtime's watcher,
 * sends a `reloaded` event; `hold` keeps a PUT's answer back after the write.
 */
function serve() {
  const events = new FakeEventStream();
  let ticks = 0;
  const disk = {
    content: TEMPLATE as string | undefined,
    modified: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    hold: undefined as Promise<void> | undefined,
  };
  /** Writes the file (undefined: deletes it), as something else than the editor would. */
  const write = (content: string | undefined) => {
    disk.content = content;
    disk.modified = new Date(Date.UTC(2025, 0, 1, 0, 0, ++ticks)).toISOString();
  };
  const entry = (): FileEntry => ({
    path: PATH,
    type: 'file',
    size: 1,
    modified: disk.modified,
    module: 'template',
  });

  test.api.on('GET', '/api/events', events.route);
  test.api.ok('GET', '/api/files', () => (disk.content === undefined ? [] : [entry()]));
  test.api.ok('GET', '/api/history', { files: [] });
  test.api.ok('GET', '/api/endpoints', registry());
  test.api.ok('POST', '/api/files/check', { diagnostics: [] });
  test.api.on('GET', URL_PATH, () =>
    disk.content === undefined
      ? errorReply(404, 'FILE_NOT_FOUND', `No file "${PATH}" in the APIs folder`)
      : okReply(
          { path: PATH, content: disk.content, modified: disk.modified, version: versionOf(disk.content) },
          URL_PATH,
        ),
  );
  test.api.on('PUT', URL_PATH, async (call) => {
    const { content, baseVersion } = call.body as { content: string; baseVersion?: string | null };
    if (typeof baseVersion === 'string' && disk.content === undefined) {
      return errorReply(409, 'FILE_CHANGED', `"${PATH}" was deleted since it was opened: nothing was saved`);
    }
    if (typeof baseVersion === 'string' && versionOf(disk.content!) !== baseVersion) {
      return errorReply(
        409,
        'FILE_CHANGED',
        `"${PATH}" changed on disk since it was opened: nothing was saved`,
      );
    }
    write(content);
    events.send('reloaded', RELOAD);
    await disk.hold;
    const saved: SavedFile = { path: PATH, saved: true, version: versionOf(content), reload: RELOAD };
    return okReply(saved, URL_PATH);
  });
  return { disk, write, events };
}

/** The runtime's events, followed as the layout does for the whole panel. */
function Events() {
  useRuntimeEvents();
  return null;
}

async function renderEditor(events: FakeEventStream) {
  fake.reset();
  const view = renderView(
    test,
    <>
      <Events />
      <EditorView file={PATH} />
    </>,
    // StrictMode, as the panel: effects run twice, the first aborted.
    { path: `/editor/${PATH}`, strict: true },
  );
  await waitFor(() => expect(events.connections).toBe(1));
  await waitFor(async () => expect((await code()).value).toBe(TEMPLATE));
  return view;
}

const code = () => screen.findByRole<HTMLTextAreaElement>('textbox', { name: 'Code' });
const dirtyMarker = () => screen.queryByRole('status', { name: 'unsaved changes' });
const conflict = () => screen.queryByRole('alert');
const puts = () => test.api.callsTo('PUT', URL_PATH).map((call) => call.body);
const reads = () => test.api.callsTo('GET', URL_PATH).length;
/** Lets the answers in flight arrive and be taken. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function typeInto(user: ReturnType<typeof makeUser>, text: string) {
  const area = await code();
  await user.click(area);
  await user.type(area, text);
}

describe('the editor and changes on disk', () => {
  it('saves over the version it loaded, then over the version each save wrote', async () => {
    const { events, disk } = serve();
    const { user } = await renderEditor(events);
    await typeInto(user, '// one');
    await user.keyboard('{Control>}s{/Control}');
    expect(await screen.findByText(`Saved ${PATH}`)).toBeTruthy();
    await typeInto(user, '// two');
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(puts()).toHaveLength(2));
    expect(puts()).toEqual([
      { content: `${TEMPLATE}// one`, baseVersion: versionOf(TEMPLATE) },
      { content: `${TEMPLATE}// one// two`, baseVersion: versionOf(`${TEMPLATE}// one`) },
    ]);
    await waitFor(() => expect(disk.content).toBe(`${TEMPLATE}// one// two`));
    await waitFor(() => expect(dirtyMarker()).toBeNull());
    expect(conflict()).toBeNull();
  });

  it('saves the text just typed, even when Ctrl+S comes before the view has rendered it', async () => {
    const { events, disk } = serve();
    await renderEditor(events);
    const area = await code();
    // As with Monaco: its change, then the key at once, React not rendering in between.
    area.dispatchEvent(new CustomEvent('monaco-change', { detail: `${TEMPLATE}// fast` }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true }));
    await waitFor(() => expect(puts()).toHaveLength(1));
    expect(puts()[0]).toEqual({ content: `${TEMPLATE}// fast`, baseVersion: versionOf(TEMPLATE) });
    await waitFor(() => expect(disk.content).toBe(`${TEMPLATE}// fast`));
    await waitFor(() => expect(dirtyMarker()).toBeNull());
  });

  it('keeps the text when a save is refused because the file changed, and overwrites it when asked', async () => {
    const { events, write, disk } = serve();
    const { user } = await renderEditor(events);
    await typeInto(user, 'mine');
    write('theirs'); // no event yet: the save finds out
    await user.keyboard('{Control>}s{/Control}');

    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain(`${PATH} changed on disk since it was opened`);
    expect((await code()).value).toBe(`${TEMPLATE}mine`);
    expect(dirtyMarker()).toBeTruthy();
    expect(disk.content).toBe('theirs');

    await user.click(within(notice).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(conflict()).toBeNull());
    expect(puts().at(-1)).toEqual({ content: `${TEMPLATE}mine` });
    expect(disk.content).toBe(`${TEMPLATE}mine`);
    expect(await screen.findByText(`Saved ${PATH}`)).toBeTruthy();
    expect(dirtyMarker()).toBeNull();
  });

  it('loads the version on disk when asked, dropping the text', async () => {
    const { events, write } = serve();
    const { user } = await renderEditor(events);
    await typeInto(user, 'mine');
    write('theirs');
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    const notice = await screen.findByRole('alert');
    await user.click(within(notice).getByRole('button', { name: 'Load the version on disk' }));
    await waitFor(async () => expect((await code()).value).toBe('theirs'));
    expect(conflict()).toBeNull();
    expect(dirtyMarker()).toBeNull();
    expect(puts()).toHaveLength(1);
  });

  it('says so when the file was deleted, and recreates it with the text when asked', async () => {
    const { events, write, disk } = serve();
    const { user } = await renderEditor(events);
    await typeInto(user, 'mine');
    write(undefined);
    await user.keyboard('{Control>}s{/Control}');
    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain(`${PATH} was deleted since it was opened`);
    expect(within(notice).queryByRole('button', { name: 'Load the version on disk' })).toBeNull();
    await user.click(within(notice).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(disk.content).toBe(`${TEMPLATE}mine`));
    expect(puts().at(-1)).toEqual({ content: `${TEMPLATE}mine` });
    await waitFor(() => expect(conflict()).toBeNull());
  });

  it('takes the new text of a file changed on disk when it has no unsaved changes', async () => {
    const { events, write } = serve();
    const { user } = await renderEditor(events);
    write('theirs');
    events.send('reloaded', RELOAD);
    await waitFor(async () => expect((await code()).value).toBe('theirs'));
    expect(await screen.findByText('Reloaded: the file changed on disk')).toBeTruthy();
    expect(conflict()).toBeNull();
    expect(dirtyMarker()).toBeNull();

    // The next save is based on the version taken from disk.
    await typeInto(user, '!');
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(puts()).toEqual([{ content: 'theirs!', baseVersion: versionOf('theirs') }]));
    expect(await screen.findByText(`Saved ${PATH}`)).toBeTruthy();
  });

  it('keeps unsaved changes when the file changes on disk, and says so', async () => {
    const { events, write } = serve();
    const { user } = await renderEditor(events);
    await typeInto(user, 'mine');
    write('theirs');
    events.send('reloaded', RELOAD);
    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain(`${PATH} changed on disk since it was opened`);
    expect(within(notice).getByRole('button', { name: 'Load the version on disk' })).toBeTruthy();
    expect(within(notice).getByRole('button', { name: 'Overwrite with mine' })).toBeTruthy();
    expect((await code()).value).toBe(`${TEMPLATE}mine`);
    expect(dirtyMarker()).toBeTruthy();
    expect(puts()).toEqual([]);
  });

  it('says so when the open file is deleted on disk, keeping its text', async () => {
    const { events, write } = serve();
    await renderEditor(events);
    write(undefined);
    events.send('reloaded', RELOAD);
    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain(`${PATH} was deleted since it was opened`);
    expect(within(notice).getByRole('button', { name: 'Overwrite with mine' })).toBeTruthy();
    expect((await code()).value).toBe(TEMPLATE);
  });

  it('reads a file touched but not changed without a word', async () => {
    const { events, write } = serve();
    await renderEditor(events);
    const before = reads();
    write(TEMPLATE);
    events.send('reloaded', RELOAD);
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
    await settle();
    expect(conflict()).toBeNull();
    expect(screen.queryByText('Reloaded: the file changed on disk')).toBeNull();
  });

  it('does not take the reload of its own save for a change on disk, even one arriving mid-save', async () => {
    const { events, disk } = serve();
    const { user } = await renderEditor(events);
    const answer = deferred<void>();
    disk.hold = answer.promise;
    const before = reads();
    await typeInto(user, 'mine');
    await user.keyboard('{Control>}s{/Control}');
    // The file is written and the runtime's event is out while the save's answer is held back.
    await waitFor(() => expect(disk.content).toBe(`${TEMPLATE}mine`));
    await waitFor(() => expect(test.api.callsTo('GET', '/api/files').length).toBeGreaterThanOrEqual(2));
    await settle();
    expect(reads()).toBe(before);

    answer.resolve();
    expect(await screen.findByText(`Saved ${PATH}`)).toBeTruthy();
    // The file is read again once the save is done, and is the version the save wrote.
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
    disk.hold = undefined;
    events.send('reloaded', RELOAD);
    await settle();
    expect(conflict()).toBeNull();
    expect(screen.queryByText('Reloaded: the file changed on disk')).toBeNull();
    expect((await code()).value).toBe(`${TEMPLATE}mine`);
    expect(dirtyMarker()).toBeNull();
  });
});
