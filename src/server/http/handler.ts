import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createApp } from './app.js';
import { businessHandler } from './business.js';
import type { RuntimeContext } from './context.js';
import { trackRequest } from './request-log.js';
import { respondError } from './respond.js';

/** Paths the runtime keeps for itself; every other POST is a business call. */
const RESERVED = /^\/(?:api|panel)(?:[/?]|$)/;

/**
 * The server's request listener. Business calls, the hot path, are handled on plain
 * `node:http`: Express's router and body parser cost more than the call itself (see the bench).
 * Everything else (status page, admin API, panel, 404s) goes through the Express app.
 */
export function createHandler(runtime: RuntimeContext): RequestListener {
  const app = createApp(runtime);
  const business = businessHandler(runtime);
  return (req: IncomingMessage, res: ServerResponse) => {
    trackRequest(runtime, req, res);
    if (req.method === 'POST' && !RESERVED.test(req.url ?? '/')) {
      business(req, res).catch((error: unknown) => respondError(runtime, req, res, error));
    } else {
      app(req, res);
    }
  };
}
