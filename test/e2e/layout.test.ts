// The panel at a desktop size and at 800×600, light and dark: nothing cut off, columns readable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BUSINESS } from '../helpers/server.js';
import { logIn, openPanel, type PanelSession } from './harness.js';

const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '800x600', width: 800, height: 600 },
] as const;

describe.each(SIZES)('the panel at $name', ({ name, width, height }) => {
  let session: PanelSession;

  beforeAll(async () => {
    session = await openPanel({ viewport: { width, height } });
    await logIn(session, ADMIN);
    await session.page.getByRole('heading', { name: 'Overview' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  /** Where an element is on the page. */
  const box = async (locator: ReturnType<PanelSession['page']['locator']>) => {
    const found = await locator.boundingBox();
    expect(found, 'the element is laid out').not.toBeNull();
    return found!;
  };

  it('gives the content the width: the sidebar shrinks to its icons below 1000 px', async () => {
    const sidebar = await box(session.page.getByRole('navigation', { name: 'Main' }));
    if (width < 1000) expect(sidebar.width).toBeLessThanOrEqual(64);
    else expect(sidebar.width).toBeGreaterThanOrEqual(180);
    // Each link keeps its name (screen readers, the tooltip, the tests).
    await session.page.getByRole('link', { name: 'Editor', exact: true }).click();
  });

  it("shows the editor's toolbar whole and a wide code area", async () => {
    const { page } = session;
    await page.getByRole('list', { name: 'Files' }).getByText('template.ts').click();
    const code = page.getByTestId('code-editor');
    await code.locator('.view-lines').getByText('sync_hello').first().waitFor({ timeout: 30_000 });
    const remove = await box(page.getByRole('button', { name: 'Delete' }));
    expect(remove.x + remove.width).toBeLessThanOrEqual(width);
    expect(remove.y + remove.height).toBeLessThanOrEqual(height);
    expect((await box(code)).width).toBeGreaterThanOrEqual(width < 1000 ? 450 : 700);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await session.screenshot(`layout-editor-${name}-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("keeps the log columns readable, and shows only the user's calls while the panel polls", async () => {
    const { page, url } = session;
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Log lines' });
    const endpoint = '/template/sync_hello';
    await fetch(url + endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${BUSINESS}` },
      body: JSON.stringify({ body: { name: 'Ada' } }),
    });
    await fetch(`${url}/template/missing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BUSINESS}` },
    });
    const missing = grid.getByRole('row').filter({ hasText: '/template/missing' });
    await missing.waitFor();
    // The Message says what went wrong, and the Request column is wide enough for the path.
    expect(await missing.getByRole('gridcell').last().textContent()).toMatch(/^ENDPOINT_NOT_FOUND: /);
    const request = grid.getByRole('row').filter({ hasText: endpoint }).first().getByRole('gridcell').nth(3);
    expect(await request.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);

    // The panel's own calls (the log's history and stream, the registry) never show by default.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await missing.waitFor();
    expect(await grid.getByText(/\/api\/|\/panel/).count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await session.screenshot(`layout-logs-${name}-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // The details drawer leaves the columns readable: it goes below the list when both do not fit beside.
    const message = grid.getByRole('columnheader', { name: 'Message' });
    const messageWidth = (await box(message)).width;
    await missing.click();
    const drawer = page.getByRole('dialog', { name: /Log line/ });
    await drawer.waitFor();
    expect((await box(message)).width).toBeGreaterThanOrEqual(Math.min(messageWidth, 300));
    expect(await request.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    expect(await missing.isVisible()).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await session.screenshot(`layout-logs-drawer-${name}-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await page.getByRole('checkbox', { name: "Show the panel's own requests" }).check();
    await grid.getByText('GET /api/logs').first().waitFor();
  });

  it('fetched nothing from outside 127.0.0.1 and logged no error', () => {
    expect(session.outside).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});
