import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packFixture } from '../helpers/npm-fixture.js';
import { ADMIN } from '../helpers/server.js';
import { logIn, openPanel, requestBodyText, setRequestBody, type PanelSession } from './harness.js';

// The control panel in real Chromium against a real headless server: the jobs a person does
// without a terminal. One browser and one server for the file; the tests run in order.
describe('control panel in a browser', () => {
  let session: PanelSession;

  beforeAll(async () => {
    session = await openPanel();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('refuses a wrong admin token, then signs in with the right one', async () => {
    const { page } = session;
    await logIn(session, 'not-the-admin-token');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid admin token');
    await session.screenshot('login');
    await logIn(session, ADMIN);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('Running').waitFor();
    await session.screenshot('overview');
  });

  it('lists /template/sync_hello with its parameters', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Endpoints' }).click();
    const card = page.getByRole('article', { name: '/template/sync_hello' });
    await card.waitFor();
    expect(await card.getByRole('row').nth(1).textContent()).toMatch(/name\s*string\s*no\s*"World"/);
    await session.screenshot('endpoints');
  });

  it('sends a request from the request panel and shows the answer', async () => {
    const { page } = session;
    await page
      .getByRole('article', { name: '/template/sync_hello' })
      .getByRole('link', { name: 'Try it' })
      .click();
    await expect.poll(() => requestBodyText(page), { timeout: 30_000 }).toContain('"World"');
    await setRequestBody(page, '{"name": "Ada"}');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('response-status').textContent()).toContain('200');
    expect(await page.getByTestId('response-body').textContent()).toContain('Hello, Ada!');
    await page.getByRole('region', { name: 'History' }).getByText('/template/sync_hello').waitFor();
    await session.screenshot('request');
  });

  it('creates a token that works over HTTP, and revokes it', async () => {
    const { page, url } = session;
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Label').fill('e2e client');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token-value').textContent())!.trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    await session.screenshot('tokens');

    const call = () =>
      fetch(`${url}/template/sync_hello`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, body: { name: 'Token' } }),
      });
    expect((await call()).status).toBe(200);

    await page.getByRole('button', { name: 'Revoke e2e client' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Revoke e2e client' }).count()).toBe(0);
    expect((await call()).status).toBe(401);
  });

  it("adds a secret in the panel that an endpoint reads at once, and shows the function's log line", async () => {
    const { page, url } = session;
    const value = 'sk_e2e_4f9c2a7d1b8e6f30';
    await writeFile(
      `${session.dir}/apis/vault.ts`,
      [
        "import { apiFunction, context, secret } from 'api-deploy';",
        'export const fingerprint = apiFunction(() => {',
        "  const key = secret('E2E_KEY');",
        "  context().log.info('read the key', { length: key.length });",
        '  return { prefix: key.slice(0, 7), length: key.length };',
        '});',
        '',
      ].join('\n'),
    );
    const registered = async () => {
      const answer = await fetch(`${url}/api/endpoints`, { headers: { authorization: `Bearer ${ADMIN}` } });
      return (await answer.text()).includes('/vault/fingerprint');
    };
    await expect.poll(registered, { timeout: 10_000 }).toBe(true);

    await page.getByRole('link', { name: 'Secrets' }).click();
    await page.getByLabel('Name').fill('E2E_KEY');
    await page.getByLabel('Value').fill(value);
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('status', { name: 'Secret saved' }).waitFor();
    await page.getByRole('table', { name: 'Secrets' }).getByText('E2E_KEY').waitFor();
    await session.screenshot('secrets');
    expect(await page.content()).not.toContain(value);

    await page.getByRole('link', { name: 'Request' }).click();
    await page.getByLabel('Endpoint').selectOption('/vault/fingerprint');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('response-status').textContent()).toContain('200');
    expect(await page.getByTestId('response-body').textContent()).toMatch(/sk_e2e_.*23/);
    const log = page.getByRole('region', { name: 'Function log' });
    await log.getByText('read the key').waitFor();
    expect(await log.textContent()).toContain('length=23');
    await session.screenshot('request-log');
  });

  it('saves a setting through the settings page', async () => {
    const { page, url } = session;
    await page.getByRole('link', { name: 'Settings' }).click();
    const debug = page.getByLabel('Debug');
    await debug.waitFor();
    const before = await debug.isChecked();
    await debug.setChecked(!before);
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await session.screenshot('settings');
    const status = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const answer = (await status.json()) as { data: { debug: boolean } };
    expect(answer.data.debug).toBe(!before);
  });

  it('shows a request in the live log as it happens', async () => {
    const { page, url } = session;
    await page.getByRole('link', { name: 'Logs' }).click();
    await page
      .getByRole('grid', { name: 'Log lines' })
      .getByText('POST /template/sync_hello')
      .first()
      .waitFor();
    const endpoint = `/e2e/live_${Date.now()}`;
    await fetch(url + endpoint, { method: 'POST', body: '{}' });
    await page.getByRole('grid').getByText(endpoint).first().waitFor({ timeout: 5000 });
    await session.screenshot('logs');
  });

  it('edits a module in the editor, saves with Ctrl+S, and the endpoint answers the new way', async () => {
    const { page, url } = session;
    // Where the greeting is in the shipped template: the line and column of "Hello".
    const lines = (await readFile('apis/template.ts', 'utf8')).split('\n');
    const line = lines.findIndex((text) => text.includes('`Hello, ${name}!`'));
    expect(line).toBeGreaterThan(0);
    const column = lines[line]!.indexOf('Hello') + 1;

    await page.getByRole('link', { name: 'Editor' }).click();
    await page.getByRole('list', { name: 'Files' }).getByText('template.ts').click();
    const code = page.getByTestId('code-editor').locator('.view-lines');
    await code.getByText('sync_hello').first().waitFor({ timeout: 30_000 });

    await code.click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line + 1}:${column}`);
    await page.keyboard.press('Enter');
    for (let i = 0; i < 'Hello'.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('Howdy');
    await page.getByRole('status', { name: 'unsaved changes' }).waitFor();
    await page.keyboard.press('Control+S');
    // a save reloads the modules: bounded generously, as the suite's other files share the cores
    await expect
      .poll(() => page.getByRole('status', { name: 'unsaved changes' }).count(), { timeout: 30_000 })
      .toBe(0);
    await session.screenshot('editor');

    const answer = await fetch(`${url}/template/sync_hello`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ body: { name: 'Ada' } }),
    });
    expect(((await answer.json()) as { data: { message: string } }).data.message).toBe('Howdy, Ada!');
    expect(await readFile(`${session.dir}/apis/template.ts`, 'utf8')).toContain('`Howdy, ${name}!`');
  }, 60_000);

  it('keeps unsaved text when the open file changes on disk, and overwrites it only when asked', async () => {
    const { page } = session;
    const onDisk = `${session.dir}/apis/template.ts`;
    const code = page.getByTestId('code-editor').locator('.view-lines');
    await code.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// kept from the panel\n');
    await page.getByRole('status', { name: 'unsaved changes' }).waitFor();

    // another editor saves the file meanwhile
    const elsewhere = `${await readFile(onDisk, 'utf8')}// saved elsewhere\n`;
    await writeFile(onDisk, elsewhere);
    const conflict = page.getByRole('alert').filter({ hasText: 'changed on disk since it was opened' });
    await conflict.waitFor({ timeout: 10_000 });
    expect(await readFile(onDisk, 'utf8')).toBe(elsewhere);

    await conflict.getByRole('button', { name: 'Overwrite with mine' }).click();
    await expect.poll(() => conflict.count()).toBe(0);
    await expect.poll(() => readFile(onDisk, 'utf8')).toContain('// kept from the panel');
    expect(await readFile(onDisk, 'utf8')).not.toContain('// saved elsewhere');
  });

  it('installs a package from the panel, uses it in a new module, and a saved request says it answers', async () => {
    const { page } = session;
    const tarball = await packFixture(
      session.dir,
      'e2e-shout',
      '1.0.0',
      'exports.shout = (s) => s.toUpperCase() + "!";',
    );
    await page.getByRole('link', { name: 'Packages' }).click();
    await page.getByLabel('Package', { exact: true }).fill('e2e-shout');
    await page.getByLabel('Version', { exact: true }).fill(`file:${tarball}`);
    await page.getByRole('button', { name: 'Install' }).click();
    await page.getByRole('region', { name: 'npm' }).getByText('done').waitFor({ timeout: 120_000 });
    await page
      .getByRole('table', { name: 'Packages' })
      .getByRole('cell', { name: 'e2e-shout', exact: true })
      .waitFor();
    await session.screenshot('packages');

    await page.getByRole('link', { name: 'Editor' }).click();
    await page.getByRole('button', { name: 'New file' }).first().click();
    await page.getByLabel('File name, in the APIs folder').fill('loud.ts');
    await page.getByRole('button', { name: 'Create' }).click();
    const code = page.getByTestId('code-editor').locator('.view-lines');
    await code.getByText('apiFunction').first().waitFor({ timeout: 30_000 });
    await code.click();
    await page.keyboard.press('Control+A');
    // insertText, not typing: Monaco would close each bracket and quote typed
    await page.keyboard.insertText(
      "import { apiFunction } from 'api-deploy';\nimport { shout } from 'e2e-shout';\n\nexport const say = apiFunction((text: string) => shout(text));\n",
    );
    await page.getByRole('status', { name: 'unsaved changes' }).waitFor();
    await page.keyboard.press('Control+S');
    // a save reloads the modules: bounded generously, as the suite's other files share the cores
    await expect
      .poll(() => page.getByRole('status', { name: 'unsaved changes' }).count(), { timeout: 30_000 })
      .toBe(0);

    await page.getByRole('link', { name: 'Request' }).click();
    await page.getByLabel('Endpoint').selectOption('/loud/say');
    await expect.poll(() => requestBodyText(page), { timeout: 30_000 }).toContain('"text"');
    await setRequestBody(page, '{"text": "hi"}');
    const saved = page.getByRole('region', { name: 'Saved requests' });
    await saved.getByLabel('Name').fill('loud says HI!');
    await saved.getByLabel('Expected data (optional JSON)').fill('"HI!"');
    await saved.getByRole('button', { name: 'Save', exact: true }).click();
    await saved.getByRole('table', { name: 'Saved requests list' }).getByText('loud says HI!').waitFor();
    await saved.getByRole('button', { name: 'Run all' }).click();
    await saved.getByRole('status').getByText('1 of 1 passed').waitFor();
    expect(await saved.getByRole('table', { name: 'Run results' }).textContent()).toContain('pass');
    await session.screenshot('saved-requests');

    // A change breaks what the endpoint answers; its history brings the version before back.
    await page.getByRole('link', { name: 'Editor' }).click();
    await page.getByRole('list', { name: 'Files' }).getByText('loud.ts').click();
    await code.getByText('shout(text)').first().waitFor();
    await code.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      "import { apiFunction } from 'api-deploy';\nimport { shout } from 'e2e-shout';\n\nexport const say = apiFunction((text: string) => shout(text) + '?');\n",
    );
    await page.keyboard.press('Control+S');
    // a save reloads the modules: bounded generously, as the suite's other files share the cores
    await expect
      .poll(() => page.getByRole('status', { name: 'unsaved changes' }).count(), { timeout: 30_000 })
      .toBe(0);
    await page.getByRole('link', { name: 'Request' }).click();
    await saved.getByRole('button', { name: 'Run all' }).click();
    await saved.getByRole('status').getByText('0 of 1 passed').waitFor();

    await page.getByRole('link', { name: 'Editor' }).click();
    await page.getByRole('list', { name: 'Files' }).getByText('loud.ts').click();
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('region', { name: 'History of loud.ts' });
    // newest first: the broken save, then the one the saved request passed on
    await history.getByRole('list', { name: 'Versions' }).getByRole('button').nth(1).click();
    await history.locator('.monaco-diff-editor').getByText("+ '?'").first().waitFor({ timeout: 30_000 });
    await session.screenshot('history');
    await history.getByRole('button', { name: 'Restore this version' }).click();
    await code.getByText('shout(text));').first().waitFor();
    await page.getByRole('link', { name: 'Request' }).click();
    await saved.getByRole('button', { name: 'Run all' }).click();
    await saved.getByRole('status').getByText('1 of 1 passed').waitFor();
  }, 180_000);

  it('follows the system dark theme', async () => {
    const { page } = session;
    const background = () =>
      page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    const brightness = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
      return (r * 299 + g * 587 + b * 114) / 1000 / 255;
    };
    await page.getByRole('link', { name: 'Endpoints' }).click();
    expect(brightness(await background())).toBeGreaterThan(0.8);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => brightness(await background())).toBeLessThan(0.2);
    await session.screenshot('endpoints-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('fetched nothing from outside 127.0.0.1 and logged no error', () => {
    expect(session.outside).toEqual([]);
    expect(session.errors.filter((error) => !/status of 401|status of 403/.test(error))).toEqual([]);
  });
});
