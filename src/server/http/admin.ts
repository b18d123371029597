import { Router, type Request, type Response } from 'express';
import { presentedToken, requireAdmin } from '../auth/authenticate.js';
import type { RuntimeContext } from './context.js';
import { setTokenLabel } from './request-log.js';
import { sendValue } from './respond.js';
import { endpointOf, isPlainObject } from './request.js';

/** The admin token of a request: Bearer, then `?token=`, then the JSON body's `token`. */
function adminToken(req: Request): unknown {
  const body: unknown = req.body;
  const query = typeof req.query.token === 'string' ? req.query.token : undefined;
  return presentedToken(req, query, isPlainObject(body) ? body.token : undefined);
}

/** The seed's admin endpoints, each answering GET (`?token=`) and POST (`{"token": ...}`). */
export function adminRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const admin = (action: (req: Request) => Promise<unknown>) => async (req: Request, res: Response) => {
    const identity = requireAdmin(runtime.state().tokens, adminToken(req));
    setTokenLabel(res, identity.label);
    const data = await action(req);
    runtime.logger.info(
      { kind: 'auth', action: endpointOf(req), tokenLabel: identity.label },
      'admin action',
    );
    sendValue(res, endpointOf(req), data);
  };

  const reload = admin(() => runtime.reload());
  const reloadConfig = admin(() => runtime.reloadConfig());
  router.route('/api/reload').get(reload).post(reload);
  router.route('/api/reload-config').get(reloadConfig).post(reloadConfig);
  return router;
}
