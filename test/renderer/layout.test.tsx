// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/renderer/src/layout.js';
import { FakeEventStream } from './helpers/fake-api.js';
import { status } from './helpers/fixtures.js';
import { renderView, setupPanelTest } from './helpers/render.js';

const test = setupPanelTest();

describe('the sidebar', () => {
  it('names each link, and gives it a tooltip, for when a narrow window shows its icons only', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.ok('GET', '/api/tokens', { tokens: [] });
    renderView(test, <Layout />, { path: '/tokens' });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const labels = [
      'Overview',
      'Endpoints',
      'Request',
      'Logs',
      'Tokens',
      'Secrets',
      'Packages',
      'Editor',
      'Settings',
    ];
    for (const label of labels) {
      const link = within(nav).getByRole('link', { name: label });
      expect(link.getAttribute('title')).toBe(label);
      // The label is the part styles.css hides below 1000 px (visually only: it stays the link's name).
      expect(link.querySelector('.nav-label')?.textContent).toBe(label);
    }
    await screen.findByRole('heading', { name: 'Tokens' });
  });
});

describe('the connection in the sidebar', () => {
  it('says Live while the event stream is up, Server unreachable once it ends, and Live when it is back', async () => {
    test.api.ok('GET', '/api/status', status());
    test.api.ok('GET', '/api/tokens', { tokens: [] });
    let up = true;
    const events = new FakeEventStream();
    test.api.on('GET', '/api/events', (call) => {
      if (!up) throw new TypeError('Failed to fetch');
      return events.route(call);
    });
    renderView(test, <Layout />, { path: '/tokens' });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await waitFor(() => expect(nav.textContent).toContain('Live'));

    // The server stops: its stream ends, and connecting again fails.
    up = false;
    events.end();
    await waitFor(() => expect(nav.textContent).toContain('Server unreachable'));
    expect(nav.textContent).not.toContain('Connecting');

    up = true; // tried again after at most 2 s
    await waitFor(() => expect(nav.textContent).toContain('Live'), { timeout: 5000 });
  });
});
