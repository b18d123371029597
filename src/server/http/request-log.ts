import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RuntimeContext } from './context.js';
import { endpointOf } from './request.js';

const INCOMING_REQUEST_ID = /^[\w.:-]{1,128}$/;
/** The label of the token a request was authenticated with: logged, never the token itself. */
const tokenLabels = new WeakMap<ServerResponse, string>();

export const setTokenLabel = (res: ServerResponse, label: string) => tokenLabels.set(res, label);

/** Gives the request its id (a well-formed incoming `x-request-id` is kept) and logs it when answered. */
export function trackRequest(runtime: RuntimeContext, req: IncomingMessage, res: ServerResponse): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  if (!runtime.state().config.logging.enableRequestLogging) return;
  const started = performance.now();
  res.once('finish', () => {
    runtime.logger.info(
      {
        kind: 'request',
        requestId: id,
        method: req.method,
        endpoint: endpointOf(req),
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        client: req.socket.remoteAddress,
        tokenLabel: tokenLabels.get(res),
      },
      'request',
    );
  });
}
