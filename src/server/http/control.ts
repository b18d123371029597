import { Router, type Request } from 'express';
import type { LoadError } from '../../shared/contract.js';
import { logFilterSchema, matches, type LogFilter } from '../logs/ring.js';
import { adminAction } from './admin.js';
import type { RuntimeContext, RuntimeEvents } from './context.js';
import { sumEndpointMetrics } from './metrics.js';
import { HttpError } from '../core/errors.js';
import { openEventStream } from './sse.js';
import { uptimeSeconds } from './status.js';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_BUSINESS_TOKEN } from '../config/schema.js';
import type { TokenRole } from '../../shared/admin-api.js';

/**
 * The admin API the control panel reads: status, the endpoint registry, metrics, logs (query
 * and live stream) and runtime events (live stream). Admin token required throughout.
 */
export function controlRouter(runtime: RuntimeContext): Router {
  const router = Router();

  router.get(
    '/api/status',
    adminAction(runtime, () => {
      const { config, generation } = runtime.state();
      return {
        status: 'running',
        version: runtime.version,
        url: runtime.url(),
        startedAt: new Date(runtime.startedAt).toISOString(),
        uptime: uptimeSeconds(runtime),
        hotReload: config.hotReload,
        debug: config.debug,
        apisDir: config.apisDir,
        configPath: config.configPath,
        logFile: runtime.logs.currentFile,
        generation: generation.id,
        modules: generation.modules.size,
        endpoints: generation.endpoints.length,
        failedModules: [...generation.failures.values()],
        workers: { min: config.workers, max: config.maxWorkers, memoryMb: config.workerMemoryMb },
        memory: { rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) },
        documentedTokens: documentedTokensInForce(runtime),
        ...(runtime.sharedState && { sharedState: runtime.sharedState.status() }),
        ...(runtime.cluster && { cluster: { processes: runtime.cluster.processes() } }),
      };
    }),
  );

  router.get(
    '/api/endpoints',
    adminAction(runtime, () => {
      const { generation } = runtime.state();
      const failures = generation.failures;
      const modules = [...generation.modules.values()].map((serving) => ({
        module: serving.module,
        file: serving.build.relativeFile,
        /** Set when the latest save failed and this is the last good version serving. */
        lastLoadError: failures.get(serving.module),
        endpoints: serving.endpoints.map(({ info, timeoutMs, async }) => ({ ...info, timeoutMs, async })),
      }));
      const unavailable: LoadError[] = [...failures.values()].filter(
        (failure) => !generation.modules.has(failure.module),
      );
      return { generation: generation.id, modules, unavailable };
    }),
  );

  router.get(
    '/api/metrics',
    // In a cluster, the whole cluster's: summed over its processes.
    adminAction(runtime, () => ({
      endpoints: runtime.cluster ? sumEndpointMetrics(runtime.cluster.metrics()) : runtime.metrics.snapshot(),
    })),
  );

  router.get(
    '/api/logs',
    adminAction(runtime, (req) => ({ entries: runtime.logs.query(logFilter(req)) })),
  );

  router.get(
    '/api/logs/stream',
    adminAction(runtime, (req, res) => {
      const filter = logFilter(req);
      const stream = openEventStream(req, res);
      stream.onClose(
        runtime.logs.subscribe((entry, line) => {
          if (matches(entry, line, filter)) stream.send('log', entry, entry.seq);
        }),
      );
    }),
  );

  router.get(
    '/api/events',
    adminAction(runtime, (req, res) => {
      const stream = openEventStream(req, res);
      for (const event of STREAMED_EVENTS) {
        // An event is the runtime's own text, as an answer is: a load error may quote a secret.
        const listener = (data: unknown) =>
          stream.send(event, JSON.parse(runtime.withoutSecretsInJson(JSON.stringify(data))));
        runtime.events.on(event, listener);
        stream.onClose(() => runtime.events.off(event, listener));
      }
    }),
  );

  return router;
}

/** The runtime events `/api/events` streams, each as an SSE event of the same name. */
const STREAMED_EVENTS = [
  'reloaded',
  'loadError',
  'configChanged',
  'tokensChanged',
] as const satisfies readonly (keyof RuntimeEvents)[];

function logFilter(req: Request): LogFilter {
  const parsed = logFilterSchema.safeParse(req.query);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new HttpError(
      'VALIDATION_ERROR',
      `Invalid log filter: ${details[0]!.path}: ${details[0]!.message}`,
      details,
    );
  }
  return parsed.data;
}

/** Which of the README's documented tokens still work here (as the role they work as). */
function documentedTokensInForce(runtime: RuntimeContext): TokenRole[] {
  const { tokens } = runtime.state();
  const roles = [DEFAULT_ADMIN_TOKEN, DEFAULT_BUSINESS_TOKEN].flatMap((value) => tokens.roleOf(value) ?? []);
  return [...new Set(roles)];
}
