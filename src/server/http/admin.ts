import { Router, type Request, type Response } from 'express';
import { authenticate, presentedToken } from '../auth/authenticate.js';
import type { RuntimeContext } from './context.js';
import { clientOf, endpointOf, isPlainObject } from './request.js';
import { setTokenLabel } from './request-log.js';
import { sendData } from './respond.js';

/** The admin token of a request: Bearer, then `?token=`, then the JSON body's `token`. */
function adminToken(req: Request): unknown {
  const body: unknown = req.body;
  const query = typeof req.query.token === 'string' ? req.query.token : undefined;
  return presentedToken(req, query, isPlainObject(body) ? body.token : undefined);
}

export interface AdminActionOptions {
  /**
   * A change: logged as an admin action, and refused while the replicas' Redis is unreachable.
   * By default anything but GET.
   */
  audit?: boolean;
  /**
   * The answer is the user's own text (a file of the APIs folder, shown to be edited): it goes
   * out as it is. Every other answer is the runtime's own and has secret values redacted (a load
   * error may quote a line of source that holds one).
   */
  userContent?: boolean;
}

/**
 * An admin endpoint: checks the admin token (the seed's errors when it is missing or not an
 * admin's), runs the action, and answers its result in the envelope. Actions that change
 * something are logged as admin actions. Errors thrown by the action reach the one error handler.
 */
export function adminAction(
  runtime: RuntimeContext,
  action: (req: Request, res: Response) => unknown,
  { audit, userContent = false }: AdminActionOptions = {},
) {
  return async (req: Request, res: Response): Promise<void> => {
    const { tokens } = runtime.state();
    const identity = await authenticate(runtime.attempts, tokens, clientOf(req), adminToken(req), 'admin');
    setTokenLabel(res, identity.label);
    const changes = audit ?? req.method !== 'GET';
    // A change that could not reach the other replicas is not made on this one either.
    if (changes) runtime.sharedState?.refuseChangesWhileDown();
    const data = await action(req, res);
    if (changes) {
      const done = `${req.method} ${endpointOf(req)}`;
      runtime.logger.info(
        { kind: 'auth', event: 'admin-action', action: done, tokenLabel: identity.label },
        `admin action ${done} by ${identity.label}`,
      );
    }
    if (res.headersSent) return;
    const json = JSON.stringify(data ?? null);
    sendData(res, endpointOf(req), userContent ? json : runtime.withoutSecretsInJson(json));
  };
}

/** The seed's admin endpoints, each answering GET (`?token=`) and POST (`{"token": ...}`). */
export function adminRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const reload = adminAction(runtime, () => runtime.reload(), { audit: true });
  const reloadConfig = adminAction(runtime, () => runtime.reloadConfig(), { audit: true });
  router.route('/api/reload').get(reload).post(reload);
  router.route('/api/reload-config').get(reloadConfig).post(reloadConfig);
  return router;
}
