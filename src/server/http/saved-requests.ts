import { Router } from 'express';
import { parseInput } from '../params/validation.js';
import { SavedRequestStore, savedRequestInput } from '../workspace/saved-requests.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';

/**
 * The request panel's saved requests, per workspace (`.api-deploy/requests.json` beside the
 * config file): `GET /api/requests`, `POST /api/requests` (create), `PUT /api/requests/{id}`
 * (replace), `DELETE /api/requests/{id}`. The panel runs them itself, as any client calls an
 * endpoint; the server only keeps them.
 */
export function savedRequestsRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const store = () => SavedRequestStore.of(runtime.state().config.baseDir);
  const input = (body: unknown) => {
    const { token: _adminToken, ...fields } = parseInput(savedRequestInput, body);
    return fields;
  };

  router.get(
    '/api/requests',
    adminAction(runtime, async () => ({ requests: await store().list() })),
  );

  router.post(
    '/api/requests',
    adminAction(runtime, (req) => store().create(input(req.body), runtime.state().tokens.secrets)),
  );

  router.put(
    '/api/requests/:id',
    adminAction(runtime, (req) =>
      store().update(String(req.params.id), input(req.body), runtime.state().tokens.secrets),
    ),
  );

  router.delete(
    '/api/requests/:id',
    adminAction(runtime, async (req) => {
      const { id } = await store().delete(String(req.params.id));
      return { id, deleted: true };
    }),
  );

  return router;
}
