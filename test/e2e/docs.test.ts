import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS } from '../helpers/server.js';
import { openPanel, type PanelSession } from './harness.js';

// /docs in real Chromium: the interactive API reference a caller uses without signing in to the
// panel, from the machine alone (the harness refuses and records any request leaving it).
describe('the API reference at /docs', () => {
  let session: PanelSession;

  beforeAll(async () => {
    session = await openPanel();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('lists the endpoints, and calls one with a token typed under Authorize', async () => {
    const { page, url } = session;
    await page.goto(`${url}/docs`);
    expect(new URL(page.url()).pathname).toBe('/docs/');
    const operation = page.locator('#operations-template-template_sync_hello');
    await operation.waitFor();
    await session.screenshot('docs');

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.locator('.auth-container input').first().fill(BUSINESS);
    await page.locator('.auth-btn-wrapper button.authorize').click();
    await page.getByRole('button', { name: 'Close' }).click();

    // Opened, an operation is ready to try (tryItOutEnabled): no "Try it out" click.
    await operation.locator('.opblock-summary').click();
    await operation.locator('textarea.body-param__text').fill('{"body": {"name": "Ada"}}');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const answer = operation.locator('.live-responses-table');
    await expect.poll(() => answer.textContent()).toContain('"message": "Hello, Ada!"');
    expect(await answer.textContent()).toContain('x-request-id');
    await session.screenshot('docs-call');

    expect(session.outside).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});
