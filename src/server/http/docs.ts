import { createRequire } from 'node:module';
import path from 'node:path';
import type { RequestHandler } from 'express';

/**
 * `/docs`: an interactive reference of the business endpoints for the people who call them,
 * without signing in to the panel: Swagger UI (swagger-ui-dist, served from the package as it is
 * installed, nothing from a CDN) over `/openapi.json`. Its calls carry the token the reader types
 * under "Authorize". Only the files the page needs are served from the package, never its demo
 * `index.html`, which would load a schema from the internet.
 */
const ASSETS = new Set(['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · API Deploy</title>
<link rel="icon" type="image/png" href="favicon-32x32.png">
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>
`;

// No inline script (the CSP forbids it): the page's set-up is a file of its own. The schema is
// found relative to the page, so a proxy serving the runtime under a prefix keeps working;
// validatorUrl null keeps Swagger UI from sending the schema to swagger.io for a badge.
const INIT = `window.ui = SwaggerUIBundle({
  url: '../openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: true,
  supportedSubmitMethods: ['post'],
  persistAuthorization: false,
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
});
`;

/** The folder of the installed swagger-ui-dist. */
const swaggerUiDir = (): string =>
  path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Mounted at `/docs`: the page, its set-up, and Swagger UI's own files. */
export function docsHandlers(): RequestHandler[] {
  let root: string | undefined;
  return [
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const query = req.originalUrl.indexOf('?');
      const pathname = query < 0 ? req.originalUrl : req.originalUrl.slice(0, query);
      // The page's relative URLs need the trailing slash.
      if (req.path === '/' && !pathname.endsWith('/')) return res.redirect(308, '/docs/');
      // Revalidated on each use: an upgrade of the package changes them under the same names.
      res.setHeader('cache-control', 'no-cache');
      if (req.path === '/') return res.type('html').send(PAGE);
      if (req.path === '/init.js') return res.type('js').send(INIT);
      const file = req.path.slice(1);
      if (!ASSETS.has(file)) return next();
      root ??= swaggerUiDir();
      res.sendFile(file, { root, dotfiles: 'deny' }, (error) => error && next(error));
    },
  ];
}
