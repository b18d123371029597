import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { adminRouter } from './admin.js';
import { controlRouter } from './control.js';
import { tokensRouter } from './tokens.js';
import { readJsonBody } from './body.js';
import type { RuntimeContext } from './context.js';
import { HttpError } from './errors.js';
import { filesRouter } from './files.js';
import { openApiRouter } from './openapi.js';
import { endpointOf } from './request.js';
import { respondError } from './respond.js';
import { statusHandler } from './status.js';

/** The Express app: status page, admin API, and the envelope for anything unknown. */
export function createApp(runtime: RuntimeContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', statusHandler(runtime));
  app.use(openApiRouter(runtime));
  // The admin API and the panel: no sniffing, no framing, no referrer, never cached.
  app.use(['/api', '/panel'], securityHeaders(), (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  app.use(jsonBody(runtime));
  app.use(adminRouter(runtime));
  app.use(controlRouter(runtime));
  app.use(tokensRouter(runtime));
  app.use(filesRouter(runtime));
  app.use((req) => {
    const hint = req.method === 'POST' ? '' : ' (API endpoints answer POST)';
    throw new HttpError('ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${endpointOf(req)}${hint}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) =>
    respondError(runtime, req, res, error),
  );
  return app;
}

/**
 * helmet's headers, fitted to a server that speaks plain HTTP on a private address: no HSTS
 * and no upgrade of requests to HTTPS (both would break it), and never framed.
 */
function securityHeaders() {
  return helmet({
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"] } },
  });
}

/** Reads a request body as JSON into `req.body`, as business calls read theirs. */
function jsonBody(runtime: RuntimeContext) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    readJsonBody(req, runtime.state().config.maxBodyBytes).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
