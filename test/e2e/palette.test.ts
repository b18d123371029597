import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, openPanel, type PanelSession } from './harness.js';

// A new user's first screen, and the command palette, in real Chromium.
describe('the overview for a new user, and the command palette', () => {
  let session: PanelSession;

  beforeAll(async () => {
    session = await openPanel();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows how to write a first API while apis/ holds only the template', async () => {
    const { page } = session;
    await logIn(session);
    const hint = page.getByRole('region', { name: 'Write your first API' });
    await hint.waitFor();
    await session.screenshot('overview-first-run');
    await hint.getByRole('link', { name: 'Open the editor' }).click();
    await page.getByRole('button', { name: 'New file' }).first().waitFor();
  });

  it('Ctrl+K, a few letters of an endpoint, Enter: the request panel on it', async () => {
    const { page } = session;
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Go to' });
    await palette.getByRole('combobox').fill('sync');
    await palette.getByRole('option', { name: /template\/sync_hello/ }).waitFor();
    await session.screenshot('palette');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => new URL(page.url()).hash || new URL(page.url()).pathname)
      .toContain('/try/template/sync_hello');
    expect(await palette.count()).toBe(0);
    expect(session.outside).toEqual([]);
  });
});
