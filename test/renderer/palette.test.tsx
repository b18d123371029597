// @vitest-environment jsdom
// The command palette (issue 20): Ctrl/Cmd+K jumps to a view, an endpoint or a file; `/`
// focuses the view's search field.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../src/shared/admin-api.js';
import { Layout } from '../../src/renderer/src/layout.js';
import { NAV } from '../../src/renderer/src/nav.js';
import { commandsOf, matchCommands } from '../../src/renderer/src/palette/commands.js';
import { registry, status } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const FILES: FileEntry[] = [
  { path: 'template.ts', type: 'file', size: 10, modified: '2025-01-01T00:00:00.000Z', module: 'template' },
  {
    path: 'shop',
    type: 'dir',
    children: [{ path: 'shop/orders.ts', type: 'file', size: 10, modified: '2025-01-01T00:00:00.000Z' }],
  },
];

describe('what the palette offers', () => {
  const commands = commandsOf(NAV, registry(), FILES);

  it('every view, every endpoint to try and every file to edit', () => {
    expect(commands.map(({ hint, label, href }) => `${hint} ${label} ${href}`)).toEqual([
      ...NAV.map(({ label, href }) => `Go to ${label} ${href}`),
      'Try /template/sync_hello /try/template/sync_hello',
      'Try /geometry/area /try/geometry/area',
      'Try /geometry/shout /try/geometry/shout',
      'Edit template.ts /editor/template.ts',
      'Edit shop/orders.ts /editor/shop/orders.ts',
    ]);
  });

  it('ranks a start (of the label or of a part of a path) over a middle, and that over letters in order', () => {
    const labels = (query: string) => matchCommands(commands, query).map(({ label }) => label);
    expect(labels('')).toHaveLength(commands.length);
    expect(labels('sync')).toEqual(['/template/sync_hello']);
    expect(labels('ord')).toEqual(['shop/orders.ts']);
    expect(labels('ENDP')).toEqual(['Endpoints']);
    expect(labels('ing')).toEqual(['Settings']);
    expect(labels('gsh')).toEqual(['/geometry/shout']);
    expect(labels('zzz')).toEqual([]);
  });
});

const test = setupPanelTest();

function renderLayout(path = '/tokens') {
  test.api.ok('GET', '/api/status', status());
  test.api.ok('GET', '/api/tokens', { tokens: [] });
  test.api.ok('GET', '/api/endpoints', registry());
  test.api.ok('GET', '/api/files', FILES);
  test.api.ok('GET', '/api/requests', { requests: [] }); // the request view's saved requests
  return renderView(test, <Layout />, { path });
}

describe('the command palette', () => {
  it('opens with Ctrl+K, finds an endpoint as you type, and Enter goes to try it', async () => {
    const { user, location } = renderLayout();
    await screen.findByRole('heading', { name: 'Tokens' });
    expect(screen.queryByRole('dialog', { name: 'Go to' })).toBeNull();
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Go to' });
    const input = within(dialog).getByRole('combobox');
    expect(document.activeElement).toBe(input);
    await within(dialog).findByRole('option', { name: /template\/sync_hello/ });
    await user.type(input, 'sync');
    expect(
      within(dialog)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Try/template/sync_hello']);
    await user.keyboard('{Enter}');
    expect(location.history.at(-1)).toBe('/try/template/sync_hello');
    expect(screen.queryByRole('dialog', { name: 'Go to' })).toBeNull();
  });

  it('moves with the arrows, and Escape closes it where it was', async () => {
    const { user, location } = renderLayout();
    await screen.findByRole('heading', { name: 'Tokens' });
    await user.keyboard('{Meta>}k{/Meta}');
    const dialog = await screen.findByRole('dialog', { name: 'Go to' });
    await user.type(within(dialog).getByRole('combobox'), 'o');
    const options = within(dialog).getAllByRole('option');
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowDown}');
    expect(options[1]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(within(dialog).getAllByRole('option').at(-1)!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Go to' })).toBeNull();
    expect(location.history.at(-1)).toBe('/tokens');
  });

  it('"/" focuses the view’s search field, but not while typing in a field', async () => {
    test.api.ok('GET', '/api/metrics', { endpoints: [] });
    const { user } = renderLayout('/endpoints');
    const search = await screen.findByRole('searchbox');
    await user.keyboard('/');
    expect(document.activeElement).toBe(search);
    expect((search as HTMLInputElement).value).toBe('');
    await user.keyboard('/');
    expect((search as HTMLInputElement).value).toBe('/');
  });
});
