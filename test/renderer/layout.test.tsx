// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/renderer/src/layout.js';
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
