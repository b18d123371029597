// @vitest-environment jsdom
/**
 * The editor view over a fake API, with Monaco (which cannot run in jsdom) replaced: the
 * @monaco-editor/react component by a textarea, and the bundled Monaco (editor/monaco.ts) by a
 * fake that keeps models and markers, so what the view asks of Monaco is checked
 * (helpers/fake-monaco.tsx).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Route, Router } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { Diagnostic, FileEntry, ReloadResult } from '../../src/shared/admin-api.js';
import { keys, SessionContext } from '../../src/renderer/src/api/hooks.js';
import { EditorView } from '../../src/renderer/src/views/editor.js';
import { fake } from './helpers/fake-monaco.js';
import { registry } from './helpers/fixtures.js';
import { makeUser, SESSION, setupPanelTest, testQueryClient } from './helpers/render.js';

vi.mock('../../src/renderer/src/editor/monaco.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();

const TEMPLATE = `import { apiFunction } from 'api-deploy';\nexport const hi = apiFunction(() => 'hi');\n`;
const MODIFIED = '2025-01-01T00:00:00.000Z';
/** The version GET answers for template.ts. */
const LOADED = 'v-template-1';
const file = (path: string, module?: string): FileEntry => ({
  path,
  type: 'file',
  size: 10,
  modified: MODIFIED,
  ...(module ? { module } : {}),
});
const TREE: FileEntry[] = [
  { path: 'billing', type: 'dir', children: [file('billing/invoice.ts', 'billing/invoice')] },
  file('_money.ts'),
  file('template.ts', 'template'),
];
const reload = (overrides: Partial<ReloadResult> = {}): ReloadResult => ({
  message: 'Loaded 3 module(s) with 4 endpoint(s)',
  generation: 8,
  modules: 3,
  endpoints: 4,
  failed: [],
  durationMs: 12,
  ...overrides,
});

/** The fake API of a folder with template.ts, _money.ts and billing/invoice.ts. */
function serve({ diagnostics = [] as Diagnostic[] } = {}) {
  test.api.ok('GET', '/api/files', TREE);
  test.api.ok('GET', '/api/history', { files: [] });
  test.api.ok('GET', '/api/endpoints', registry());
  test.api.ok('GET', '/api/files/template.ts', {
    path: 'template.ts',
    content: TEMPLATE,
    modified: MODIFIED,
    version: LOADED,
  });
  test.api.ok('GET', '/api/files/_money.ts', {
    path: '_money.ts',
    content: 'export const round = (n: number) => Math.round(n);\n',
    modified: MODIFIED,
    version: 'v-money-1',
  });
  test.api.ok('POST', '/api/files/check', { diagnostics });
}

/** Renders the editor route as the layout does, on the hash router the app uses. */
function renderEditor(hash = '#/editor/template.ts') {
  fake.reset();
  window.location.hash = hash;
  const queryClient = testQueryClient();
  const spy = vi.spyOn(queryClient, 'invalidateQueries');
  const invalidated = () => spy.mock.calls.map(([filters]) => filters?.queryKey);
  const user = makeUser(test);
  render(
    <SessionContext.Provider value={SESSION}>
      <QueryClientProvider client={queryClient}>
        <Router hook={useHashLocation}>
          <Route path="/editor/*?">{(params) => <EditorView file={params['*'] || undefined} />}</Route>
          <Route path="/logs">Logs view</Route>
        </Router>
      </QueryClientProvider>
    </SessionContext.Provider>,
  );
  return { user, invalidated };
}

const code = () => screen.findByRole<HTMLTextAreaElement>('textbox', { name: 'Code' });
const dirtyMarker = () => screen.queryByRole('status', { name: 'unsaved changes' });

async function typeInto(user: ReturnType<typeof makeUser>, text: string) {
  const area = await code();
  await user.click(area);
  await user.type(area, text);
}

describe('the editor view', () => {
  it('shows the APIs folder: modules with their name, helpers greyed', async () => {
    serve();
    renderEditor('#/editor');
    const tree = await screen.findByRole('list', { name: 'Files' });
    const template = within(tree).getByRole('link', { name: /template\.ts/ });
    expect(template.textContent).toContain('/template');
    expect(template.getAttribute('href')).toBe('#/editor/template.ts');
    expect(within(tree).getByRole('link', { name: /invoice\.ts/ }).textContent).toContain('/billing/invoice');
    const money = within(tree).getByRole('link', { name: /_money\.ts/ });
    expect(money.textContent).toContain('helper');
    expect(money.closest('li')?.className).toBe('helper');
    expect(screen.getByText(/Open a file of the APIs folder/)).toBeTruthy();
  });

  it('opens the file of the route in Monaco, with the OS theme and no minimap', async () => {
    serve();
    renderEditor();
    const area = await code();
    expect(area.value).toBe(TEMPLATE);
    expect(area.dataset.path).toBe('file:///apis/template.ts');
    expect(area.dataset.theme).toBe('vs');
    expect(area.dataset.minimap).toBe('false');
    expect(area.closest('[data-testid="code-editor"]')).toBeTruthy();
    expect(screen.getByRole('link', { name: /template\.ts/ }).getAttribute('aria-current')).toBe('page');
    expect(await screen.findByText('1 endpoint')).toBeTruthy();
    expect(dirtyMarker()).toBeNull();
  });

  it('marks unsaved changes, saves with Ctrl+S, shows the reload and refreshes the registry', async () => {
    serve();
    let saves = 0;
    test.api.ok('PUT', '/api/files/template.ts', (call: { body: { content: string } }) => ({
      path: 'template.ts',
      saved: true,
      version: `v-saved-${++saves}`,
      reload: reload({
        failed: [{ module: 'other', file: 'other.ts', line: 2, column: 1, message: 'Boom' }],
      }),
      echoed: call.body.content,
    }));
    const { user, invalidated } = renderEditor();
    await typeInto(user, '// more');
    expect(dirtyMarker()).toBeTruthy();
    expect(screen.getByRole('button', { name: /^Save/ })).toHaveProperty('disabled', false);

    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(test.api.callsTo('PUT', '/api/files/template.ts')).toHaveLength(1));
    // Saved over the version it was loaded as: the server refuses it if the file changed meanwhile.
    expect(test.api.callsTo('PUT', '/api/files/template.ts')[0]!.body).toEqual({
      content: `${TEMPLATE}// more`,
      baseVersion: LOADED,
    });
    const notice = await screen.findByText('Saved template.ts');
    expect(notice.closest('.notice')?.textContent).toContain('Loaded 3 module(s) with 4 endpoint(s)');
    expect(notice.closest('.notice')?.textContent).toContain('1 module failed to load');
    expect(notice.closest('.notice')?.textContent).toContain('Boom');
    await waitFor(() => expect(dirtyMarker()).toBeNull());
    expect(invalidated()).toEqual(expect.arrayContaining([keys.registry, keys.status, keys.files]));

    // Cmd+S too, over the version the first save wrote.
    await typeInto(user, '!');
    await user.keyboard('{Meta>}s{/Meta}');
    await waitFor(() => expect(test.api.callsTo('PUT', '/api/files/template.ts')).toHaveLength(2));
    expect(test.api.callsTo('PUT', '/api/files/template.ts')[1]!.body).toEqual({
      content: `${TEMPLATE}// more!`,
      baseVersion: 'v-saved-1',
    });
  });

  it('shows an error of the save with its code, and keeps the changes', async () => {
    serve();
    test.api.fail('PUT', '/api/files/template.ts', 400, 'INVALID_PATH', 'Only .ts files can be written');
    const { user } = renderEditor();
    await typeInto(user, 'x');
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('template.ts is not saved');
    expect(alert.textContent).toContain('Only .ts files can be written');
    expect(alert.textContent).toContain('INVALID_PATH');
    expect(dirtyMarker()).toBeTruthy();
  });

  it('says at save time that the saved module does not load, and that its last good version keeps serving', async () => {
    serve();
    const failure = {
      module: 'template',
      file: 'template.ts',
      line: 3,
      column: 9,
      message: 'Unexpected ";"',
    };
    test.api.ok('PUT', '/api/files/template.ts', {
      path: 'template.ts',
      saved: true,
      version: 'v2',
      reload: reload({
        message: 'Loaded 3 module(s) with 4 endpoint(s); 1 module(s) failed',
        failed: [failure],
      }),
    });
    const { user } = renderEditor();
    await typeInto(user, ' +;');
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('template.ts is saved, but it does not load');
    expect(alert.textContent).toContain('The last good version keeps serving its endpoints');
    expect(alert.textContent).toContain('Unexpected ";"');
  });

  it('says when a saved module that does not load has no earlier version to serve', async () => {
    serve();
    const failure = { module: 'template', file: 'template.ts', message: 'Unexpected ";"' };
    test.api.ok('GET', '/api/endpoints', registry({ modules: [], unavailable: [failure] }));
    test.api.ok('PUT', '/api/files/template.ts', {
      path: 'template.ts',
      saved: true,
      version: 'v2',
      reload: reload({ failed: [failure] }),
    });
    const { user } = renderEditor();
    await typeInto(user, ' +;');
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('template.ts is saved, but it does not load');
    expect(alert.textContent).toContain('503 MODULE_UNAVAILABLE');
  });

  it('reverts to the file on disk', async () => {
    serve();
    const { user } = renderEditor();
    await typeInto(user, 'draft');
    expect((await code()).value).toBe(`${TEMPLATE}draft`);
    await user.click(screen.getByRole('button', { name: /Revert/ }));
    await waitFor(() => expect(dirtyMarker()).toBeNull());
    await waitFor(async () => expect((await code()).value).toBe(TEMPLATE));
    expect(test.api.callsTo('GET', '/api/files/template.ts')).toHaveLength(2);
  });

  it('checks the text as it is typed and shows the problems as markers and in a list', async () => {
    const diagnostics: Diagnostic[] = [
      {
        severity: 'error',
        line: 2,
        column: 8,
        message: 'Expected ";"',
        source: 'compile',
        file: 'template.ts',
      },
      {
        severity: 'error',
        line: 1,
        column: 3,
        message: 'Broken helper',
        source: 'compile',
        file: '_money.ts',
      },
    ];
    serve({ diagnostics });
    const { user } = renderEditor();
    await code();
    // Once loaded, and once more after typing stops for a moment, not at every key.
    await waitFor(() => expect(test.api.callsTo('POST', '/api/files/check')).toHaveLength(1));
    await typeInto(user, 'abc');
    await waitFor(() => expect(test.api.callsTo('POST', '/api/files/check')).toHaveLength(2));
    expect(test.api.callsTo('POST', '/api/files/check')[1]!.body).toEqual({
      path: 'template.ts',
      content: `${TEMPLATE}abc`,
    });

    await waitFor(() =>
      expect(fake.markers.get('file:///apis/template.ts api-deploy')).toEqual([
        expect.objectContaining({ startLineNumber: 2, startColumn: 8, message: 'Expected ";"', severity: 8 }),
      ]),
    );
    const problems = screen.getByRole('region', { name: 'Problems' });
    expect(within(problems).getByText('2 errors')).toBeTruthy();

    // TypeScript's own errors are listed too.
    act(() =>
      fake.setTypescriptMarkers([
        {
          owner: 'typescript',
          code: '2322',
          severity: 8,
          message: "Type 'number' is not assignable to type 'string'.",
          startLineNumber: 1,
          startColumn: 14,
          endLineNumber: 1,
          endColumn: 20,
        },
      ]),
    );
    expect(await within(problems).findByText(/is not assignable to type 'string'\. \(TS2322\)/)).toBeTruthy();

    await user.click(within(problems).getByRole('button', { name: /Expected ";"/ }));
    expect(fake.editor.setPosition).toHaveBeenCalledWith({ lineNumber: 2, column: 8 });
    expect(fake.editor.focus).toHaveBeenCalled();

    // A problem in a helper opens the helper (asking first: there are unsaved changes).
    await user.click(within(problems).getByRole('button', { name: /Broken helper/ }));
    await user.click(await screen.findByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/_money.ts'));
    expect((await code()).value).toContain('export const round');
  });

  it('shows an error of the check instead of hiding it', async () => {
    serve();
    test.api.fail('POST', '/api/files/check', 500, 'INTERNAL_ERROR', 'The checker crashed');
    renderEditor();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The file could not be checked');
    expect(alert.textContent).toContain('The checker crashed');
  });

  it('says so when the file cannot be opened', async () => {
    serve();
    test.api.fail('GET', '/api/files/gone.ts', 404, 'FILE_NOT_FOUND', 'No file "gone.ts" in the APIs folder');
    test.api.ok('GET', '/api/history/versions', { path: 'gone.ts', versions: [] });
    renderEditor('#/editor/gone.ts');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('gone.ts cannot be opened');
    expect(alert.textContent).toContain('No file "gone.ts" in the APIs folder');
    expect(alert.textContent).toContain('FILE_NOT_FOUND');
    // A file not there shows its history, which may bring it back.
    expect(await screen.findByRole('region', { name: 'History of gone.ts' })).toBeTruthy();
  });

  it('opens a new module from the template, after checking its name, unsaved: nothing is written until it is saved', async () => {
    serve();
    test.api.ok('PUT', '/api/files/shop.ts', {
      path: 'shop.ts',
      saved: true,
      version: 'v-shop-1',
      reload: reload(),
    });
    const { user } = renderEditor();
    await code();
    await user.click(screen.getByRole('button', { name: /New file/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New file' });
    const name = within(dialog).getByRole('textbox', { name: /File name/ });

    await user.type(name, '../shop.ts');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(dialog.textContent).toContain('may not contain "." or ".." folders');
    await user.clear(name);
    await user.type(name, 'template');
    expect(dialog.textContent).toContain('template.ts already exists');
    await user.clear(name);
    await user.type(name, 'shop');
    expect(dialog.textContent).toContain('Will be shop.ts');
    expect(name.getAttribute('aria-invalid')).toBe('false');

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/shop.ts'));
    expect(screen.queryByRole('dialog')).toBeNull();
    // The template, unsaved: nothing on disk yet, so no sample endpoint goes live.
    const area = await code();
    await waitFor(() => expect(area.value).toContain("from 'api-deploy'"));
    expect(area.value).toContain('z.object');
    expect(dirtyMarker()).toBeTruthy();
    expect(screen.getByText(/A new file, not saved yet/)).toBeTruthy();
    expect(test.api.callsTo('PUT', '/api/files/shop.ts')).toEqual([]);
    expect(test.api.callsTo('GET', '/api/files/shop.ts')).toEqual([]);
    for (const action of ['Rename', 'Delete', 'History'])
      expect((screen.getByRole('button', { name: action }) as HTMLButtonElement).disabled).toBe(true);

    // Once saved, it is a file like the others (read again when the tree lists it).
    const template = area.value;
    test.api.ok('GET', '/api/files/shop.ts', () => ({
      path: 'shop.ts',
      content: template,
      modified: MODIFIED,
      version: 'v-shop-1',
    }));
    await user.click(screen.getByRole('button', { name: /^Save/ }));
    await waitFor(() => expect(test.api.callsTo('PUT', '/api/files/shop.ts')).toHaveLength(1));
    const created = test.api.callsTo('PUT', '/api/files/shop.ts')[0]!.body as {
      content: string;
      baseVersion: unknown;
    };
    // A new file only: never written over one that appeared meanwhile.
    expect(created.baseVersion).toBeNull();
    expect(created.content).toBe(area.value);
    expect(await screen.findByText('Saved shop.ts')).toBeTruthy();
    await waitFor(() => expect(dirtyMarker()).toBeNull());
    expect(screen.queryByText(/A new file, not saved yet/)).toBeNull();
  });

  it('does not save a new file over one that appeared since the tree was listed, and keeps its text', async () => {
    serve();
    test.api.fail(
      'PUT',
      '/api/files/shop.ts',
      409,
      'FILE_EXISTS',
      'There is already a file "shop.ts" in the APIs folder',
    );
    const { user } = renderEditor();
    await code();
    await user.click(screen.getByRole('button', { name: /New file/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New file' });
    await user.type(within(dialog).getByRole('textbox', { name: /File name/ }), 'shop');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/shop.ts'));
    await typeInto(user, '// mine');
    await user.click(screen.getByRole('button', { name: /^Save/ }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('shop.ts is not saved');
    expect(alert.textContent).toContain('There is already a file "shop.ts" in the APIs folder');
    expect(alert.textContent).toContain('FILE_EXISTS');
    expect(
      (test.api.callsTo('PUT', '/api/files/shop.ts')[0]!.body as { baseVersion: unknown }).baseVersion,
    ).toBe(null);
    expect((await code()).value).toContain('// mine');
    expect(dirtyMarker()).toBeTruthy();
  });

  it('leaves a new file it was not asked to save unwritten', async () => {
    serve();
    const { user } = renderEditor();
    await code();
    await user.click(screen.getByRole('button', { name: /New file/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New file' });
    await user.type(within(dialog).getByRole('textbox', { name: /File name/ }), 'shop');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/shop.ts'));
    await code();

    await user.click(screen.getByRole('link', { name: /template\.ts/ }));
    const leave = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    await user.click(within(leave).getByRole('button', { name: /Discard/ }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/template.ts'));
    expect(
      test.api.calls.filter((call) => call.method !== 'GET' && call.path !== '/api/files/check'),
    ).toEqual([]);
  });

  it('asks before leaving unsaved changes, by a link or another route, and warns before unload', async () => {
    serve();
    const { user } = renderEditor();
    await typeInto(user, 'draft');

    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(true);

    // Another file of the tree: held, then kept editing.
    await user.click(screen.getByRole('link', { name: /_money\.ts/ }));
    let dialog = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    expect(window.location.hash).toBe('#/editor/template.ts');
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((await code()).value).toBe(`${TEMPLATE}draft`);

    // Another view of the panel (a hash change, as the sidebar's links or Back make): held too.
    act(() => {
      window.location.hash = '#/logs';
    });
    dialog = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    await waitFor(() => expect(window.location.hash).toBe('#/editor/template.ts'));
    await user.click(within(dialog).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(window.location.hash).toBe('#/logs'));
    expect(await screen.findByText('Logs view')).toBeTruthy();

    const after = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(after);
    expect(after.defaultPrevented).toBe(false);
  });

  it('holds Back too, and goes back when the changes are discarded', async () => {
    serve();
    const { user } = renderEditor('#/editor/_money.ts');
    await code();
    await user.click(screen.getByRole('link', { name: /template\.ts/ }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/template.ts'));
    await waitFor(async () => expect((await code()).value).toBe(TEMPLATE));
    await typeInto(user, 'draft');

    act(() => history.back());
    const dialog = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    expect(window.location.hash).toBe('#/editor/template.ts');
    expect((await code()).value).toBe(`${TEMPLATE}draft`);
    await user.click(within(dialog).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/_money.ts'));
    await waitFor(async () => expect((await code()).value).toContain('export const round'));
  });

  it('saves and then leaves when asked to', async () => {
    serve();
    test.api.ok('PUT', '/api/files/template.ts', {
      path: 'template.ts',
      saved: true,
      version: 'v-saved-1',
      reload: reload(),
    });
    const { user } = renderEditor();
    await typeInto(user, 'draft');
    await user.click(screen.getByRole('link', { name: /_money\.ts/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Unsaved changes' });
    await user.click(within(dialog).getByRole('button', { name: 'Save and continue' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/_money.ts'));
    expect(test.api.callsTo('PUT', '/api/files/template.ts')[0]!.body).toEqual({
      content: `${TEMPLATE}draft`,
      baseVersion: LOADED,
    });
    expect((await code()).value).toContain('export const round');
  });

  it('deletes the open file after confirmation', async () => {
    serve();
    test.api.ok(
      'DELETE',
      '/api/files/template.ts',
      reload({ message: 'Loaded 2 module(s) with 3 endpoint(s)' }),
    );
    const { user } = renderEditor();
    await code();
    await user.click(screen.getByRole('button', { name: /Delete/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete template.ts?' });
    expect(dialog.textContent).toContain('its endpoints stop answering');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(test.api.callsTo('DELETE', '/api/files/template.ts')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: /Delete/ }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor'));
    expect(test.api.callsTo('DELETE', '/api/files/template.ts')).toHaveLength(1);
    const notice = await screen.findByText('Deleted template.ts');
    expect(notice.closest('.notice')?.textContent).toContain('Loaded 2 module(s) with 3 endpoint(s)');
  });

  it('renames the open file, showing a conflict, saving unsaved changes first', async () => {
    serve();
    test.api.ok('PUT', '/api/files/template.ts', {
      path: 'template.ts',
      saved: true,
      version: 'v-saved-1',
      reload: reload(),
    });
    let conflict = true;
    test.api.on('POST', '/api/files/rename', (call) => {
      const { from, to } = call.body as { from: string; to: string };
      if (conflict) {
        conflict = false;
        return new Response(
          JSON.stringify({
            success: false,
            error: `${to} already exists`,
            code: 'FILE_EXISTS',
            endpoint: '',
          }),
          { status: 409 },
        );
      }
      return new Response(
        JSON.stringify({ success: true, data: { from, to, reload: reload() }, endpoint: '' }),
      );
    });
    test.api.ok('GET', '/api/files/greetings.ts', {
      path: 'greetings.ts',
      content: 'renamed',
      modified: MODIFIED,
      version: 'v-renamed-1',
    });
    const { user } = renderEditor();
    await typeInto(user, 'draft');
    await user.click(screen.getByRole('button', { name: /Rename/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename template.ts' });
    const name = within(dialog).getByRole('textbox', { name: /New name/ });
    await user.clear(name);
    await user.type(name, 'greetings.ts');
    await user.click(within(dialog).getByRole('button', { name: 'Save and rename' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('greetings.ts already exists');
    expect(alert.textContent).toContain('FILE_EXISTS');
    expect(test.api.callsTo('PUT', '/api/files/template.ts')[0]!.body).toEqual({
      content: `${TEMPLATE}draft`,
      baseVersion: LOADED,
    });

    await user.click(within(dialog).getByRole('button', { name: /rename/i }));
    await waitFor(() => expect(window.location.hash).toBe('#/editor/greetings.ts'));
    expect(test.api.callsTo('POST', '/api/files/rename').at(-1)!.body).toEqual({
      from: 'template.ts',
      to: 'greetings.ts',
    });
    expect(await screen.findByText('Renamed template.ts to greetings.ts')).toBeTruthy();
    expect((await code()).value).toBe('renamed');
  });

  it('loads the helpers a module imports as models, for IntelliSense', async () => {
    serve();
    test.api.ok('GET', '/api/files/template.ts', {
      path: 'template.ts',
      content: `import { round } from './_money';\n`,
      modified: MODIFIED,
      version: 'v-template-2',
    });
    renderEditor();
    await code();
    await waitFor(() =>
      expect(fake.models.get('file:///apis/_money.ts')?.value).toContain('export const round'),
    );
    expect(fake.models.get('file:///apis/_money.ts')?.language).toBe('typescript');
  });

  it('keeps the key presses of other views alone', async () => {
    serve();
    renderEditor();
    await code();
    const event = new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, cancelable: true });
    fireEvent(window, event);
    expect(event.defaultPrevented).toBe(false);
  });
});
