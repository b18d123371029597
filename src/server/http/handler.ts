import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import cors from 'cors';
import { SOURCE_HEADER } from '../../shared/admin-api.js';
import { createApp, type AppOptions } from './app.js';
import { businessHandler } from './business.js';
import type { RuntimeContext } from './context.js';
import { isReservedPath } from './request.js';
import { requestTracker } from './request-log.js';
import { respondError } from './respond.js';

/**
 * The server's request listener. Business calls, the hot path, are handled on plain
 * `node:http`: Express's router and body parser cost more than the call itself (see the bench).
 * Everything else (status page, admin API, panel, 404s) goes through the Express app.
 */
export interface HandlerOptions extends AppOptions {
  /** Origins allowed (CORS) beside the config's `corsOrigins`, for this run only. */
  extraCorsOrigins?: readonly string[];
}

export function createHandler(runtime: RuntimeContext, options: HandlerOptions = {}): RequestListener {
  const app = createApp(runtime, options);
  const callFunction = businessHandler(runtime);
  const allowOrigins = corsFor(runtime, options.extraCorsOrigins ?? []);
  const trackRequest = requestTracker(runtime);
  return (req: IncomingMessage, res: ServerResponse) => {
    const business = req.method === 'POST' && !isReservedPath(req.url ?? '/');
    trackRequest(req, res, business);
    allowOrigins(req, res, () => {
      if (business) callFunction(req, res).catch((error: unknown) => respondError(runtime, req, res, error));
      else app(req, res);
    });
  };
}

/**
 * CORS (the cors package), off unless `corsOrigins` (or `extra`) lists origins: then browsers on
 * those origins may call every route, preflight included.
 */
function corsFor(runtime: RuntimeContext, extra: readonly string[]) {
  let origins: string[] = [];
  let middleware: ReturnType<typeof cors> | undefined;
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const configured = runtime.state().config.corsOrigins;
    if (configured.length === 0 && extra.length === 0) return next();
    if (configured !== origins || !middleware) {
      origins = configured;
      middleware = cors({
        origin: [...extra, ...configured],
        allowedHeaders: ['content-type', 'authorization', 'x-request-id', SOURCE_HEADER],
        exposedHeaders: ['x-request-id', 'retry-after'],
      });
    }
    middleware!(req, res, next);
  };
}
