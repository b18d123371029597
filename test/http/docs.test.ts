// GET /docs (issue 20): Swagger UI over /openapi.json, served from the installed package with
// nothing from outside the machine, and only the files the page needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

describe('/docs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      'apis/m.ts': `import { apiFunction } from 'api-deploy';\nexport const hi = apiFunction(() => 1);\n`,
    });
  });
  afterAll(() => server.stop());

  it('redirects /docs to /docs/, a page of the server’s own files under a CSP naming no other host', async () => {
    const redirect = await fetch(`${server.url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const page = await server.get('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).not.toMatch(/<script>[^<]/); // no inline script
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('serves Swagger UI’s files and its set-up, which reads /openapi.json and sends it nowhere', async () => {
    const bundle = await server.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await server.get('/docs/swagger-ui.css')).headers.get('content-type')).toContain('text/css');
    const init = await server.get('/docs/init.js');
    expect(init.text).toContain("url: '../openapi.json'");
    expect(init.text).toContain('validatorUrl: null');
  });

  it('serves nothing else of the package: its demo page loads a schema from the internet', async () => {
    for (const file of [
      'index.html',
      'swagger-initializer.js',
      'package.json',
      '../package.json',
      '%2e%2e/package.json',
    ]) {
      const answer = await server.get(`/docs/${file}`);
      expect(answer.status, file).toBe(404);
      expect(answer.json).toMatchObject({ success: false, code: 'ENDPOINT_NOT_FOUND' });
    }
  });

  it('docs is a reserved name: POST /docs/... is no business call', async () => {
    const answer = await server.post('/docs/x', { token: 'anything' });
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('ENDPOINT_NOT_FOUND');
  });
});
