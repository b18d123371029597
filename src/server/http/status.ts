import type { Request, Response } from 'express';
import type { StatusPage } from '../../shared/contract.js';
import type { RuntimeContext } from './context.js';
import { writeJson } from './respond.js';

/** `GET /`: the public status page, as the original's. */
export function statusHandler(runtime: RuntimeContext) {
  return (_req: Request, res: Response): void => {
    const { config, generation } = runtime.state();
    const page: StatusPage = {
      status: 'running',
      name: 'api-deploy',
      version: runtime.version,
      uptime: uptimeSeconds(runtime),
      hotReload: config.hotReload,
      generation: generation.id,
      endpoints: generation.endpoints,
      failedModules: [...generation.failures.values()],
    };
    // A load error may quote source text: no secret in it reaches the page.
    writeJson(res, 200, runtime.withoutSecretsInJson(JSON.stringify(page)));
  };
}

/** Seconds since the runtime started, to a tenth. */
export const uptimeSeconds = (runtime: RuntimeContext) =>
  Math.round((Date.now() - runtime.startedAt) / 100) / 10;
