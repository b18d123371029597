import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { ADMIN, makeWorkspace } from '../helpers/server.js';

/** Debian's Chromium (`apt-get install chromium`); `.ci/run` installs it when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results/screenshots');

export interface PanelSession {
  url: string;
  dir: string;
  server: CliRun;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request the page made to anywhere but 127.0.0.1 (each one was refused). */
  outside: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real headless server (the built CLI, as `npm run serve` runs it) over a workspace holding
 * the shipped template, and a Chromium page on its panel. Requests leaving 127.0.0.1 are
 * refused and recorded, so a test can assert that the panel fetches nothing from outside.
 */
export async function openPanel({
  colorScheme = 'light',
  viewport = { width: 1280, height: 800 },
}: {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
} = {}): Promise<PanelSession> {
  const template = await readFile('apis/template.ts', 'utf8');
  const dir = await makeWorkspace({ 'apis/template.ts': template }, { hotReload: true });
  const server = runCli(['--config', path.join(dir, 'api-deploy.config.json'), '--quiet']);
  const url = await serverUrl(server);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport, colorScheme });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === '127.0.0.1' || target.protocol === 'data:' || target.protocol === 'blob:') {
      return route.continue();
    }
    outside.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await mkdir(SCREENSHOTS, { recursive: true });

  return {
    url,
    dir,
    server,
    browser,
    context,
    page,
    outside,
    errors,
    screenshot: (name) =>
      page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false }).then(),
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in at the panel's login form with the workspace's admin token. */
export async function logIn(session: PanelSession, token = ADMIN): Promise<void> {
  const { page, url } = session;
  await page.goto(`${url}/panel/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The request panel's body editor (Monaco). */
export const bodyEditor = (page: Page) => page.getByTestId('body-editor');

/** The text the request panel's body editor shows (Monaco writes spaces as U+00A0). */
export async function requestBodyText(page: Page): Promise<string> {
  const text = await bodyEditor(page).locator('.view-lines').textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/**
 * Replaces the request body, pasted as a person would (typed, or inserted as typing, Monaco
 * would close each bracket and quote).
 */
export async function setRequestBody(page: Page, text: string): Promise<void> {
  await bodyEditor(page).locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => requestBodyText(page)).toBe(text.replace(/\n/g, ''));
}
