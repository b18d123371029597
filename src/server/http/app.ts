import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRouter } from './admin.js';
import { readJsonBody } from './body.js';
import type { RuntimeContext } from './context.js';
import { HttpError } from './errors.js';
import { endpointOf } from './request.js';
import { respondError } from './respond.js';
import { statusHandler } from './status.js';

/** The Express app: status page, admin API, and the envelope for anything unknown. */
export function createApp(runtime: RuntimeContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', statusHandler(runtime));
  app.use(jsonBody(runtime));
  app.use(adminRouter(runtime));
  app.use((req) => {
    const hint = req.method === 'POST' ? '' : ' (API endpoints answer POST)';
    throw new HttpError('ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${endpointOf(req)}${hint}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) =>
    respondError(runtime, req, res, error),
  );
  return app;
}

/** Reads a POST body as JSON into `req.body`, as business calls read theirs. */
function jsonBody(runtime: RuntimeContext) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    readJsonBody(req, runtime.state().config.maxBodyBytes).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
