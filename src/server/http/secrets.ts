import { Router } from 'express';
import { z } from 'zod';
import { secretNameProblem } from '../workspace/secrets.js';
import { parseInput, validationError } from '../params/validation.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';

const SetBody = z.strictObject({
  value: z.string(),
  token: z.string().optional(), // the admin token, when sent in the body
});

/**
 * `GET /api/secrets` (names, where each comes from, when set: never a value),
 * `PUT /api/secrets/{name} {value}` (write-only: the answer does not hold the value either),
 * `DELETE /api/secrets/{name}`. A change reaches the running workers at once.
 */
export function secretsRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const named = (name: string) => {
    const problem = secretNameProblem(name);
    if (problem) throw validationError([{ path: 'name', message: problem }]);
    return name;
  };

  router.get(
    '/api/secrets',
    adminAction(runtime, () => ({ secrets: runtime.secrets().list() })),
  );

  router.put(
    '/api/secrets/:name',
    adminAction(runtime, async (req) => {
      const name = named(String(req.params.name));
      const { value } = parseInput(SetBody, req.body);
      await runtime.secrets().set(name, value);
      return { name, saved: true };
    }),
  );

  router.delete(
    '/api/secrets/:name',
    adminAction(runtime, async (req) => {
      const name = named(String(req.params.name));
      await runtime.secrets().delete(name);
      return { name, deleted: true };
    }),
  );

  return router;
}
