import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { PANEL_PATH } from '../../shared/admin-api.js';
import { adminRouter } from './admin.js';
import { controlRouter } from './control.js';
import { tokensRouter } from './tokens.js';
import { readJsonBody } from './body.js';
import type { RuntimeContext } from './context.js';
import { HttpError } from '../core/errors.js';
import { filesRouter } from './files.js';
import { historyRouter } from './history.js';
import { openApiRouter } from './openapi.js';
import { docsHandlers } from './docs.js';
import { PANEL_CSP, panelHandlers } from './panel.js';
import { endpointOf } from './request.js';
import { respondError } from './respond.js';
import { savedRequestsRouter } from './saved-requests.js';
import { secretsRouter } from './secrets.js';
import { packagesRouter } from './packages.js';
import { metricsRouter } from './prometheus.js';
import { settingsRouter } from './settings.js';
import { statusHandler } from './status.js';

export interface AppOptions {
  /** The built control panel, served at `/panel` (see panel.ts). */
  panelDir?: string;
  /** A token that opens `GET /metrics` and nothing else (`API_DEPLOY_METRICS_TOKEN`). */
  metricsToken?: string;
}

/** The Express app: status page, admin API, control panel, and the envelope for anything unknown. */
export function createApp(
  runtime: RuntimeContext,
  { panelDir, metricsToken }: AppOptions = {},
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', statusHandler(runtime));
  app.use(openApiRouter(runtime));
  // The admin API and the panel: no sniffing, no framing, no referrer. The API is never cached;
  // the panel's files are, as fits each (panel.ts), under a CSP of their own.
  app.use('/api', securityHeaders(), (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  app.use(
    PANEL_PATH,
    securityHeaders({ useDefaults: false, directives: PANEL_CSP }),
    ...panelHandlers(panelDir),
  );
  // The interactive API reference, for callers who never sign in to the panel (docs.ts).
  // The panel's CSP fits it too: its own files only, inline styles and data: images allowed.
  app.use('/docs', securityHeaders({ useDefaults: false, directives: PANEL_CSP }), ...docsHandlers());
  // OPTIONS other than a CORS preflight (answered before the app, when corsOrigins allows it).
  app.options(/.*/, (req) => {
    throw methodNotAllowed(req, runtime);
  });
  app.use(jsonBody(runtime));
  app.use(adminRouter(runtime));
  app.use(controlRouter(runtime));
  app.use(settingsRouter(runtime));
  app.use(tokensRouter(runtime));
  app.use(filesRouter(runtime));
  app.use(historyRouter(runtime));
  app.use(secretsRouter(runtime));
  app.use(packagesRouter(runtime));
  app.use(metricsRouter(runtime, metricsToken));
  app.use(savedRequestsRouter(runtime));
  app.use((req) => {
    const path = endpointOf(req);
    if (req.method !== 'POST' && runtime.state().generation.endpoint(path))
      throw methodNotAllowed(req, runtime);
    const hint = req.method === 'POST' ? '' : ' (API endpoints answer POST)';
    throw new HttpError('ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${path}${hint}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) =>
    respondError(runtime, req, res, error),
  );
  return app;
}

/**
 * 405 for a method a path is not served with: a business endpoint answers POST only (said in
 * `Allow`). For the runtime's own paths the methods vary by route and `Allow` is left out.
 */
function methodNotAllowed(req: Request, runtime: RuntimeContext): HttpError {
  const path = endpointOf(req);
  // Only business endpoints are in the registry (`api` and `panel` are reserved module names).
  const business = runtime.state().generation.endpoint(path) !== undefined;
  const error = new HttpError(
    'METHOD_NOT_ALLOWED',
    business
      ? `${path} answers POST, not ${req.method}`
      : `${req.method} is not answered here${req.method === 'OPTIONS' ? ' (only CORS preflights from the origins in corsOrigins are)' : ''}`,
  );
  if (business) error.headers = { allow: 'POST' };
  return error;
}

type CspOptions = Exclude<
  NonNullable<Parameters<typeof helmet>[0]>['contentSecurityPolicy'],
  boolean | undefined
>;

/**
 * helmet's headers, fitted to a server that speaks plain HTTP on a private address: no HSTS
 * and no upgrade of requests to HTTPS (both would break it), and never framed. `csp` replaces
 * the Content-Security-Policy (helmet's default, minus the upgrade, when not given).
 */
function securityHeaders(
  csp: CspOptions = { directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"] } },
) {
  return helmet({
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    contentSecurityPolicy: csp,
  });
}

/** Reads a request body as JSON into `req.body`, as business calls read theirs. */
function jsonBody(runtime: RuntimeContext) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const { maxBodyBytes, maxJsonDepth } = runtime.state().config;
    readJsonBody(req, maxBodyBytes, maxJsonDepth).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
