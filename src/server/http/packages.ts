import { Router, type Request } from 'express';
import { z } from 'zod';
import type { PackageJob } from '../../shared/admin-api.js';
import { parseInput } from '../params/validation.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';
import { openEventStream } from './sse.js';

const InstallBody = z.strictObject({
  name: z.string().min(1).max(214),
  version: z.string().max(1024).optional(),
  token: z.string().optional(), // the admin token, when sent in the body
});

const ended = (job: PackageJob) => job.state === 'succeeded' || job.state === 'failed';

/**
 * The workspace's npm packages: `GET /api/packages` (each package, wanted and installed, the
 * packages modules import and lack, the recent jobs), `POST /api/packages {name, version?}`
 * and `DELETE /api/packages/{name}` queue a job for npm, `GET /api/packages/jobs/{id}` reads
 * one, `…/stream` follows its output live (SSE) until it ends.
 */
export function packagesRouter(runtime: RuntimeContext): Router {
  const router = Router();
  const packages = () => runtime.packages();

  router.get(
    '/api/packages',
    adminAction(runtime, async () => {
      const installed = await packages().list();
      const have = new Set(installed.filter((info) => info.installed).map((info) => info.name));
      const missing = new Set<string>();
      for (const failure of runtime.state().generation.failures.values()) {
        if (failure.missingPackage && !have.has(failure.missingPackage)) missing.add(failure.missingPackage);
      }
      return {
        packages: installed,
        missing: [...missing].sort(),
        npmAvailable: packages().npmAvailable,
        jobs: packages().recentJobs(),
      };
    }),
  );

  router.post(
    '/api/packages',
    adminAction(runtime, (req) => {
      const { name, version } = parseInput(InstallBody, req.body);
      return { job: packages().install(name, version) };
    }),
  );

  router.delete(
    '/api/packages/*name',
    adminAction(runtime, async (req) => ({ job: await packages().remove(nameOf(req)) })),
  );

  router.get(
    '/api/packages/jobs/:id',
    adminAction(runtime, (req) => ({ job: packages().job(String(req.params.id)) })),
  );

  router.get(
    '/api/packages/jobs/:id/stream',
    adminAction(runtime, (req, res) => {
      const job = packages().job(String(req.params.id));
      const stream = openEventStream(req, res);
      stream.send('state', job);
      if (ended(job)) {
        res.end();
        return;
      }
      stream.onClose(
        packages().subscribe((changed, line) => {
          if (changed.id !== job.id) return;
          if (line !== undefined) stream.send('output', { line });
          else {
            stream.send('state', changed);
            if (ended(changed)) res.end();
          }
        }),
      );
    }),
  );

  return router;
}

/** A package name from the `*name` wildcard: `@scope/name` comes as two segments. */
function nameOf(req: Request): string {
  const value: unknown = req.params.name;
  return Array.isArray(value) ? value.map(String).join('/') : String(value);
}
