import { stat } from 'node:fs/promises';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { HttpError } from '../core/errors.js';

/**
 * The control panel's Content-Security-Policy: its own files only, nothing from elsewhere.
 * Monaco injects `<style>` elements (hence inline styles) and runs web workers from the panel's
 * own files; images and fonts may be inlined as `data:` URLs.
 */
export const PANEL_CSP: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Hashed build output: a changed file gets a new name, so a name's content never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and other unhashed files: kept, but checked again (ETag) before each use. */
const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>API Deploy: control panel not built</title></head>
<body>
<h1>The control panel is not built</h1>
<p>Run <code>npm run build:panel</code>, then reload this page.
The server and its admin API (<code>/api/...</code>) work meanwhile.</p>
</body>
</html>
`;

/**
 * The control panel at `/panel` (mounted there): the built renderer's files from `panelDir`,
 * served by express.static (serve-static), which never leaves the folder (`..` and its encoded
 * forms are refused) and is told to deny dotfiles. `/panel` redirects to `/panel/` so the
 * build's relative asset URLs resolve; `/panel/` is index.html, or 503 with a page saying how
 * to build it. No admin token is needed: the panel's files hold no secret, it has its own login.
 */
export function panelHandlers(panelDir: string | undefined): RequestHandler[] {
  const handlers: RequestHandler[] = [
    (req, res, next) => {
      res.setHeader('cache-control', 'no-store'); // served files say otherwise, below
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const query = req.originalUrl.indexOf('?');
      const pathname = query < 0 ? req.originalUrl : req.originalUrl.slice(0, query);
      if (!pathname.endsWith('/') && req.path === '/') {
        return res.redirect(308, `/panel/${query < 0 ? '' : req.originalUrl.slice(query)}`);
      }
      if (req.path !== '/') return next();
      isBuilt(panelDir).then((built) => {
        if (built) return next();
        res.status(503).type('html').send(NOT_BUILT);
      }, next);
    },
  ];
  if (panelDir) {
    const root = path.resolve(panelDir);
    const assets = path.join(root, 'assets') + path.sep;
    handlers.push(
      express.static(root, {
        dotfiles: 'deny',
        index: ['index.html'],
        redirect: false,
        fallthrough: true,
        cacheControl: false,
        setHeaders: (res, file) => {
          res.setHeader('cache-control', file.startsWith(assets) ? IMMUTABLE : REVALIDATE);
        },
      }),
    );
  }
  handlers.push((req: Request, _res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = req.originalUrl.split('?')[0];
    throw new HttpError('FILE_NOT_FOUND', `No file ${pathname} in the control panel`);
  });
  return handlers;
}

async function isBuilt(panelDir: string | undefined): Promise<boolean> {
  if (!panelDir) return false;
  return stat(path.join(panelDir, 'index.html')).then(
    (info) => info.isFile(),
    () => false,
  );
}
