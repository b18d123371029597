import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Readiness } from '../../shared/contract.js';
import type { RuntimeContext } from './context.js';
import { requestIdOf } from './request-log.js';

/**
 * The probes of an orchestrator (Kubernetes, Docker's HEALTHCHECK, a load balancer):
 *
 * - `GET /healthz`: 200 `{"status":"ok"}` while the process answers at all (liveness).
 * - `GET /readyz`: 200 `{"status":"ready"}` once the modules are loaded, a worker runs them,
 *   the log file can be written and (with replicas) the shared tokens were loaded from Redis; else
 *   503 `{"status":"not ready","reasons":[...]}` (readiness). Either may carry `warnings`: Redis
 *   unreachable after loading does not stop a replica serving.
 *
 * No token: they say nothing but that, in fixed words (no path, no module name, no count). They
 * are answered before the request handler, so they are not request-logged (a probe every few
 * seconds would flood the log) and cost no routing; `healthz` and `readyz` are reserved module
 * names, so no module's endpoint can be under them.
 */
export function withHealth(runtime: RuntimeContext, handler: RequestListener): RequestListener {
  return (req, res) => {
    // Business calls are POSTs: they pass on after one comparison.
    if (req.method !== 'GET' && req.method !== 'HEAD') return handler(req, res);
    const probe = probeOf(req.url ?? '/');
    if (probe === undefined) return handler(req, res);
    if (probe === 'healthz') return answer(req, res, 200, { status: 'ok' });
    readiness(runtime).then(
      (ready) => answer(req, res, ready.status === 'ready' ? 200 : 503, ready),
      () => answer(req, res, 503, { status: 'not ready', reasons: ['readiness could not be checked'] }),
    );
  };
}

function probeOf(url: string): 'healthz' | 'readyz' | undefined {
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  return pathname === '/healthz' ? 'healthz' : pathname === '/readyz' ? 'readyz' : undefined;
}

/** What `/readyz` answers: ready, or each reason it is not, in words that name nothing inside. */
export async function readiness(runtime: RuntimeContext): Promise<Readiness> {
  const reasons: string[] = [];
  const phase = runtime.lifecycle();
  if (phase === 'starting') reasons.push('modules are loading');
  if (phase === 'stopping') reasons.push('the server is stopping');
  const { generation, config } = runtime.state();
  if (phase === 'serving' && generation.pool && runtime.workersInService() === 0) {
    reasons.push('no worker is running');
  }
  if (config.logging.logToFile && !(await writable(runtime.logs.currentFile, config.logging.logFilePath))) {
    reasons.push('the log file is not writable');
  }
  const shared = runtime.sharedState;
  const notLoaded = shared?.notReadyReason();
  if (notLoaded) reasons.push(notLoaded);
  // Redis lost after loading is a warning, not a reason: every replica loses it at once, and
  // each can still serve what it loaded; a probe failing on all would take the service down.
  const warning = shared?.warning();
  const warnings = warning ? { warnings: [warning] } : {};
  return reasons.length === 0
    ? { status: 'ready', ...warnings }
    : { status: 'not ready', reasons, ...warnings };
}

/**
 * Whether the log file being written (or, before the first line, its folder) can be written: one
 * access check, no write. A file deleted under the server counts as not writable: its lines would
 * go nowhere anyone could read them.
 */
async function writable(file: string | undefined, template: string): Promise<boolean> {
  try {
    await access(file ?? path.dirname(template), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    // Every answer carries an id, as the contract says; a well-formed incoming one is kept.
    'x-request-id': requestIdOf(req),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
