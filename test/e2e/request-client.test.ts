import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '../helpers/server.js';
import {
  bodyEditor,
  logIn,
  openPanel,
  requestBodyText,
  setRequestBody,
  type PanelSession,
} from './harness.js';

// The request panel as a request client, in real Chromium at 1280×800, light and dark: the
// body in Monaco's JSON editor knowing the endpoint's parameters, extra headers and the request
// as it goes out, an environment's variable in the body.
describe.each(['light', 'dark'] as const)('the request client (%s)', (colorScheme) => {
  let session: PanelSession;

  beforeAll(async () => {
    session = await openPanel({ colorScheme, viewport: { width: 1280, height: 800 } });
    await logIn(session);
    await session.page.getByRole('heading', { name: 'Overview' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it("completes and checks the body against the endpoint's parameters", async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Request' }).click();
    await page.getByLabel('Endpoint').selectOption('/template/sync_hello');
    await expect.poll(() => requestBodyText(page), { timeout: 30_000 }).toContain('"World"');

    // A wrong type: Monaco's JSON language marks it, and the panel says it too.
    await setRequestBody(page, '{\n  "name": 42\n}');
    await bodyEditor(page).locator('.squiggly-warning, .squiggly-error').first().waitFor({ timeout: 15_000 });
    await page.getByText('"name" should be string').waitFor();

    // Completion: the parameter's name, offered inside the object.
    await setRequestBody(page, '{\n  \n}');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Space');
    const suggestion = bodyEditor(page).locator('.suggest-widget').getByText('name', { exact: true });
    await suggestion.waitFor({ timeout: 15_000 });
    await session.screenshot(`request-client-${colorScheme}`);
  }, 90_000);

  it('sends an extra header, and shows the request that goes out with the token masked', async () => {
    const { page } = session;
    await setRequestBody(page, '{"name": "Ada"}');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Tenant');
    await page.getByLabel('Header 1 value').fill('acme');
    await page.getByText('The request sent').click();
    const shown = page.getByTestId('outgoing-request');
    await expect.poll(() => shown.textContent()).toContain('X-Tenant: acme');
    expect(await shown.textContent()).toContain('authorization: Bearer ••••••••');
    expect(await shown.textContent()).not.toContain(ADMIN);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByTestId('response-status').textContent()).toContain('200');
    expect(await page.getByTestId('response-body').textContent()).toContain('Hello, Ada!');
    await session.screenshot(`request-query-${colorScheme}`);
  });

  it("puts an environment's variable into the body, and completes a parameter beside it", async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Remove header 1' }).click();
    await page.getByRole('button', { name: 'Edit environments' }).click();
    await page.getByLabel('New environment name').fill('staging');
    await page.getByRole('button', { name: 'New environment' }).click();
    await page.getByLabel('Variable 1 value').fill('https://staging.example');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 2 name').fill('who');
    await page.getByLabel('Variable 2 value').fill('Grace');
    await session.screenshot(`request-environments-editor-${colorScheme}`);
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByLabel('Endpoint').selectOption('/template/async_hello');
    await expect.poll(() => requestBodyText(page), { timeout: 30_000 }).toContain('"delay"');
    // A blank line is JSON's whitespace: the body stays valid while the cursor waits there.
    await setRequestBody(page, '{\n  "name": "{{who}}"\n  \n}');
    await expect
      .poll(() => page.getByTestId('outgoing-request').textContent())
      .toContain('{"body":{"name":"Grace"}}');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByTestId('response-body').textContent()).toContain('Hello, Grace!');

    // Back in the editor, on the blank line.
    await bodyEditor(page).locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Space');
    await bodyEditor(page)
      .locator('.suggest-widget')
      .getByText('delay', { exact: true })
      .waitFor({ timeout: 15_000 });
    // Monaco's own marks settle (the JSON worker checks after each change).
    await expect.poll(() => bodyEditor(page).locator('.squiggly-warning, .squiggly-error').count()).toBe(0);
    await session.screenshot(`request-environment-${colorScheme}`);
  });

  it('fetched nothing from outside 127.0.0.1 and logged no error', () => {
    expect(session.outside).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});
