// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Registry, RegistryEndpoint } from '../../src/shared/admin-api.js';
import { App } from '../../src/renderer/src/app.js';
import { EndpointsView } from '../../src/renderer/src/views/endpoints.js';
import { BROKEN, HELLO, metrics, paramsOf, registry, status } from './helpers/fixtures.js';
import { ADMIN_TOKEN, LOGIN_KEY, makeUser, renderView, setupPanelTest } from './helpers/render.js';

// The request panel, opened from here, edits its body in Monaco: a textarea in jsdom.
vi.mock('../../src/renderer/src/editor/monaco-core.js', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoCoreModule),
);
vi.mock('@monaco-editor/react', () =>
  import('./helpers/fake-monaco.js').then((module) => module.monacoReactModule),
);

const test = setupPanelTest();

function serve(reg: Registry = registry()) {
  test.api.ok('GET', '/api/endpoints', reg);
  test.api.ok('GET', '/api/metrics', metrics());
  test.api.ok('GET', '/api/status', status());
  // The request panel's saved requests, for the test that opens it.
  test.api.ok('GET', '/api/requests', { requests: [] });
}

const card = (path: string) => screen.findByRole('article', { name: path });
const shownPaths = () =>
  screen.queryAllByRole('article').map((article) => article.getAttribute('aria-label'));

/** The rows of an endpoint's parameter table, cell texts by column. */
function paramTable(article: HTMLElement): Record<string, string>[] {
  const table = within(article).getByRole('table');
  const headers = within(table)
    .getAllByRole('columnheader')
    .map((cell) => cell.textContent ?? '');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      Object.fromEntries(
        within(row)
          .getAllByRole('cell')
          .map((cell, i) => [headers[i]!, cell.textContent ?? '']),
      ),
    );
}

const curlOf = (article: HTMLElement) => article.querySelector('pre')?.textContent ?? '';

describe('the endpoints view', () => {
  it('lists the endpoints by module, with their style, time limit, description and metrics', async () => {
    serve();
    renderView(test, <EndpointsView />);
    expect(await screen.findByText('3 endpoints')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'template' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'geometry' })).toBeTruthy();
    expect(shownPaths()).toEqual(['/template/sync_hello', '/geometry/area', '/geometry/shout']);

    const hello = await card('/template/sync_hello');
    expect(hello.textContent).toContain('POST');
    expect(hello.textContent).toContain('signature');
    expect(hello.textContent).toContain('Greets someone.');
    await waitFor(() => expect(hello.textContent).toContain('12 calls · 1 error · p50 3 ms · p95 9 ms'));

    const area = await card('/geometry/area');
    expect(area.textContent).toContain('zod');
    expect(area.textContent).toContain('async');
    expect(area.textContent).toContain('time limit 2.5 s');
    expect(area.textContent).not.toContain('calls');
  });

  it('shows each parameter: type, whether required, default, description', async () => {
    serve();
    renderView(test, <EndpointsView />);
    expect(paramTable(await card('/template/sync_hello'))).toEqual([
      {
        Parameter: 'name',
        Type: 'string',
        Required: 'no',
        Default: '"World"',
        Description: 'Who is greeted',
      },
    ]);
    expect(paramTable(await card('/geometry/shout'))).toEqual([
      { Parameter: 'words', Type: 'string[]', Required: 'yes', Default: '—', Description: '' },
      { Parameter: 'volume', Type: '"low" | "high"', Required: 'no', Default: '"high"', Description: '' },
      { Parameter: 'times', Type: 'integer', Required: 'no', Default: '1', Description: '' },
    ]);
  });

  it('says when a function takes no parameters', async () => {
    const ping: RegistryEndpoint = {
      ...HELLO,
      path: '/template/ping',
      function: 'ping',
      params: paramsOf(z.strictObject({})),
    };
    serve(registry({ modules: [{ module: 'template', file: 'template.ts', endpoints: [ping] }] }));
    renderView(test, <EndpointsView />);
    const article = await card('/template/ping');
    expect(article.textContent).toContain('No parameters.');
    expect(within(article).queryByRole('table')).toBeNull();
  });

  it('searches by path, description and parameter name, ignoring case', async () => {
    serve();
    const { user } = renderView(test, <EndpointsView />);
    await card('/template/sync_hello');
    const search = screen.getByRole('searchbox', { name: 'Search endpoints' });

    await user.type(search, 'GEOMETRY/');
    expect(shownPaths()).toEqual(['/geometry/area', '/geometry/shout']);
    expect(screen.queryByRole('heading', { name: 'template' })).toBeNull();
    expect(screen.getByText('2 endpoints')).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'rectangle');
    expect(shownPaths()).toEqual(['/geometry/area']);
    expect(screen.getByText('1 endpoint')).toBeTruthy();

    await user.clear(search);
    await user.type(search, 'volume');
    expect(shownPaths()).toEqual(['/geometry/shout']);

    await user.clear(search);
    await user.type(search, 'nothing like this');
    expect(shownPaths()).toEqual([]);
    expect(screen.getByText('No endpoint matches.')).toBeTruthy();

    await user.clear(search);
    expect(shownPaths()).toHaveLength(3);
  });

  it('gives a curl command with the token as a variable and the example body, never the admin token', async () => {
    serve();
    const { user } = renderView(test, <EndpointsView />);
    const hello = await card('/template/sync_hello');
    await waitFor(() => expect(curlOf(hello)).toContain('http://127.0.0.1:8000'));
    const curl = curlOf(hello);
    expect(curl).toContain(`curl -X POST 'http://127.0.0.1:8000/template/sync_hello'`);
    expect(curl).toContain(`-H 'Content-Type: application/json'`);
    expect(curl).toContain(`-H "Authorization: Bearer $API_DEPLOY_TOKEN"`);
    expect(curl).toContain(`-d '{"body":{"name":"World"}}'`);
    expect(curl).not.toContain(ADMIN_TOKEN);

    expect(curlOf(await card('/geometry/area'))).toContain(`-d '{"body":{"w":0,"h":0}}'`);
    expect(curlOf(await card('/geometry/shout'))).toContain(
      `-d '{"body":{"words":[],"volume":"high","times":1}}'`,
    );

    await user.click(within(hello).getByRole('button', { name: 'Copy curl' }));
    expect(test.clipboard.text).toBe(curl);
    expect(await within(hello).findByText('Copied')).toBeTruthy();
    expect(document.body.textContent).not.toContain(ADMIN_TOKEN);
  });

  it('quotes a default with an apostrophe for the shell', async () => {
    const irish: RegistryEndpoint = {
      ...HELLO,
      params: paramsOf(z.strictObject({ name: z.string().default("O'Brien") })),
    };
    serve(registry({ modules: [{ module: 'template', file: 'template.ts', endpoints: [irish] }] }));
    renderView(test, <EndpointsView />);
    const article = await card('/template/sync_hello');
    expect(curlOf(article)).toContain(`-d '{"body":{"name":"O'\\''Brien"}}'`);
  });

  it('shows modules that failed to load, with a link to the line', async () => {
    serve(registry({ unavailable: [BROKEN] }));
    const { user, path } = renderView(test, <EndpointsView />);
    const broken = await screen.findByRole('region', { name: 'Module broken unavailable' });
    expect(broken.textContent).toContain('unavailable');
    expect(broken.textContent).toContain(BROKEN.message);
    const link = within(broken).getByRole('link', { name: 'broken.ts:3:7' });
    expect(link.getAttribute('href')).toBe('/editor/broken.ts');
    await user.click(link);
    expect(path()).toBe('/editor/broken.ts');
  });

  it('says when a module serves its last good version', async () => {
    const failure = { ...BROKEN, module: 'geometry', file: 'geometry.ts' };
    const reg = registry();
    reg.modules[1] = { ...reg.modules[1]!, lastLoadError: failure };
    serve(reg);
    renderView(test, <EndpointsView />);
    const geometry = await screen.findByRole('region', { name: 'Module geometry' });
    expect(geometry.textContent).toContain('serving the last good version');
    expect(within(geometry).getByRole('link', { name: 'geometry.ts:3:7' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Module template' })?.textContent).not.toContain('last good');
  });

  it('Try it opens the request panel on the endpoint', async () => {
    serve();
    const { user, path } = renderView(test, <EndpointsView />, { path: '/endpoints' });
    const area = await card('/geometry/area');
    const tryIt = within(area).getByRole('link', { name: 'Try it' });
    expect(tryIt.getAttribute('href')).toBe('/try/geometry/area');
    await user.click(tryIt);
    expect(path()).toBe('/try/geometry/area');
  });

  it('in the app, Try it goes to #/try/<path> and opens the request panel on it', async () => {
    serve();
    sessionStorage.setItem(LOGIN_KEY, ADMIN_TOKEN);
    window.location.hash = '#/endpoints';
    render(<App />);
    const user = makeUser(test);
    const tryIt = within(await card('/geometry/area')).getByRole('link', { name: 'Try it' });
    expect(tryIt.getAttribute('href')).toBe('#/try/geometry/area');
    await user.click(tryIt);
    await waitFor(() => expect(window.location.hash).toBe('#/try/geometry/area'));
    await screen.findByRole('heading', { name: 'Request' });
    const body = (await screen.findByLabelText('Body (the parameters, as JSON)')) as HTMLTextAreaElement;
    await waitFor(() => expect(body.value).toBe(JSON.stringify({ w: 0, h: 0 }, null, 2)));
  });

  it("links a module's file to the editor", async () => {
    serve();
    renderView(test, <EndpointsView />);
    const template = await screen.findByRole('region', { name: 'Module template' });
    expect(within(template).getByRole('link', { name: 'template.ts' }).getAttribute('href')).toBe(
      '/editor/template.ts',
    );
  });

  it('points to the editor when there are no endpoints', async () => {
    serve(registry({ modules: [] }));
    renderView(test, <EndpointsView />);
    expect(await screen.findByText('0 endpoints')).toBeTruthy();
    expect(screen.getByText(/No endpoints yet/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Write one in the editor.' }).getAttribute('href')).toBe(
      '/editor',
    );
  });

  it('shows why the registry cannot be read', async () => {
    test.api.fail('GET', '/api/endpoints', 500, 'INTERNAL_ERROR', 'Internal server error');
    test.api.ok('GET', '/api/metrics', metrics());
    test.api.ok('GET', '/api/status', status());
    renderView(test, <EndpointsView />);
    expect((await screen.findByRole('alert')).textContent).toContain('Internal server error');
    expect(shownPaths()).toEqual([]);
  });
});
