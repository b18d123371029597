import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSpan, Tracer } from '../trace/tracer.js';
import { parseTraceparent, type TraceParent } from '../trace/trace-context.js';
import { PANEL_PATH, PANEL_SOURCE, SOURCE_HEADER } from '../../shared/admin-api.js';
import type { RuntimeContext, RuntimeState } from './context.js';
import { endpointOf, keepClient } from './request.js';

const INCOMING_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A request's id: a well-formed incoming `x-request-id`, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
/** What metrics call a path that is no endpoint. */
export const UNKNOWN_ENDPOINT = '(unknown)';

/** What a handler learns about a request that its log line should say. */
interface RequestNotes {
  /** The label of the token it was authenticated with: logged, never the token itself. */
  tokenLabel?: string;
  /**
   * The path of the endpoint a business call reached, as registered: the same string for each
   * of its calls, so the maps it keys (metrics, the request line's frames) find it without
   * hashing a new copy of the path.
   */
  endpoint?: string;
  /** The request body as received. */
  body?: string;
  /** The answer's `data`, as JSON. */
  response?: string;
  /** The request's span, when tracing is on (business calls only). */
  span?: RequestSpan;
  /** The caller's well-formed `traceparent`, passed on as it came when tracing is off. */
  callerTraceparent?: string;
  /** An error answer's code and message, as the envelope says them. */
  code?: string;
  error?: string;
}

/** What the tracker keeps of a request it will log or count once answered. */
interface Tracked extends RequestNotes {
  id: string;
  started: number;
  client: string | undefined;
  business: boolean;
  traceId: string | undefined;
  /** The request logging settings read when it arrived. */
  logging: RuntimeState['config']['logging'];
  /** A business call's: logs it, once, when writeJson has handed its answer to the socket. */
  answer: ((this: ServerResponse) => void) | undefined;
}

/**
 * Kept on the response under a private symbol: a WeakMap keyed by short-lived responses cost
 * measurably more (its entries are ephemerons the garbage collector must trace).
 */
const NOTES = Symbol('api-deploy.requestNotes');
type NotedResponse = ServerResponse & { [NOTES]?: RequestNotes };

export function note(res: ServerResponse, more: RequestNotes): void {
  const noted = (res as NotedResponse)[NOTES];
  if (noted) Object.assign(noted, more);
  else (res as NotedResponse)[NOTES] = more;
}

export function setTokenLabel(res: ServerResponse, label: string): void {
  const noted = (res as NotedResponse)[NOTES];
  if (noted) noted.tokenLabel = label;
  else (res as NotedResponse)[NOTES] = { tokenLabel: label };
}

export function setEndpoint(res: ServerResponse, path: string): void {
  const noted = (res as NotedResponse)[NOTES];
  if (noted) noted.endpoint = path;
  else (res as NotedResponse)[NOTES] = { endpoint: path };
}

/**
 * Whether the control panel itself made a request: its admin calls say so in SOURCE_HEADER,
 * and only the panel loads its page and assets. Business calls are the user's, wherever from.
 */
export function isPanelRequest(req: IncomingMessage, endpoint: string): boolean {
  if (endpoint === PANEL_PATH || endpoint.startsWith(`${PANEL_PATH}/`)) return true;
  const source = req.headers[SOURCE_HEADER];
  return typeof source === 'string' && source.trim().toLowerCase() === PANEL_SOURCE;
}

/** The id of the request a response answers. */
export function requestIdOfResponse(res: ServerResponse): string | undefined {
  const header = res.getHeader('x-request-id');
  return typeof header === 'string' ? header : ((res as NotedResponse)[NOTES] as Tracked | undefined)?.id;
}

/** A business request's id while its answer's headers are still to be written (see requestTracker). */
export function requestIdToWrite(res: ServerResponse): string | undefined {
  const tracked = (res as NotedResponse)[NOTES] as Tracked | undefined;
  return tracked?.business && !res.hasHeader('x-request-id') ? tracked.id : undefined;
}

/** The span of a business request, when tracing is on. */
export const requestSpanOf = (res: ServerResponse): RequestSpan | undefined =>
  (res as NotedResponse)[NOTES]?.span;

/** A business request's own well-formed `traceparent`, when tracing is off (read once, here). */
export const callerTraceparentOf = (res: ServerResponse): string | undefined =>
  (res as NotedResponse)[NOTES]?.callerTraceparent;

/**
 * Gives each request its id (a well-formed incoming `x-request-id` is kept) and logs it when
 * answered, with the id of its trace: the caller's (`traceparent`), or the runtime's own when
 * tracing is on, which then spans a business request from here to its answer. Business
 * requests are counted in the metrics too. What it keeps of a request is one object on the
 * response, read by one listener made here, once: nothing is allocated per request beyond it.
 * A business call is logged as soon as its answer is handed to the socket (answerWritten), not
 * on `finish`: a second finish listener made Node copy the response's listeners twice per call.
 */
export function requestTracker(
  runtime: RuntimeContext,
): (req: IncomingMessage, res: ServerResponse, business: boolean) => void {
  function answered(this: ServerResponse): void {
    const tracked = (this as NotedResponse)[NOTES] as Tracked;
    // An event handler (or after the answer is sent): what it throws is logged instead.
    try {
      logAnswered(runtime, this.req, this, tracked);
    } catch (error) {
      runtime.logger.error({ kind: 'error', requestId: tracked.id, err: error }, 'logging a request failed');
    }
  }
  return (req, res, business) => {
    const id = requestIdOf(req);
    // A business answer carries it among the headers it is written with (writeJson): a header
    // set beforehand sends Node's writeHead down its slow path, 5% of the throughput.
    if (!business) res.setHeader('x-request-id', id);
    const client = keepClient(req);
    const { logging } = runtime.state().config;
    if (!logging.enableRequestLogging && !business) return;
    const parent =
      req.headers.traceparent === undefined ? undefined : parseTraceparent(req.headers.traceparent);
    const tracer = business ? runtime.tracer() : undefined;
    const span = tracer && startRequestSpan(runtime, tracer, req, parent, id, client);
    const tracked: Tracked = {
      id,
      started: performance.now(),
      client,
      business,
      traceId: span?.traceId ?? parent?.traceId,
      logging,
      span,
      // Not tracing, a business call passes the caller's own traceparent on as it came.
      callerTraceparent: !span && parent && business ? (req.headers.traceparent as string) : undefined,
      // Every field from the start: one shape for every request's object.
      tokenLabel: undefined,
      endpoint: undefined,
      body: undefined,
      response: undefined,
      code: undefined,
      error: undefined,
      answer: business ? answered : undefined,
    };
    (res as NotedResponse)[NOTES] = tracked;
    if (span) res.once('close', () => span.end(res.writableFinished ? res.statusCode : CLIENT_CLOSED));
    if (!business) res.on('finish', answered);
  };
}

/** A business call's answer has been handed to the socket (writeJson): it is logged and counted. */
export function answerWritten(res: ServerResponse): void {
  const tracked = (res as NotedResponse)[NOTES] as Tracked | undefined;
  const answer = tracked?.answer;
  if (!answer) return;
  tracked.answer = undefined;
  answer.call(res);
}

function logAnswered(
  runtime: RuntimeContext,
  req: IncomingMessage,
  res: ServerResponse,
  tracked: Tracked,
): void {
  const durationMs = Math.round((performance.now() - tracked.started) * 100) / 100;
  const endpoint = tracked.endpoint ?? endpointOf(req);
  if (tracked.business) {
    // Only registered endpoints get their own series: any path a client sends would
    // otherwise grow the metrics without bound.
    const known =
      tracked.endpoint !== undefined || runtime.state().generation.endpoint(endpoint)
        ? endpoint
        : UNKNOWN_ENDPOINT;
    runtime.metrics.record(known, res.statusCode, durationMs);
    runtime.prometheus.request(known, res.statusCode, durationMs);
  }
  const { logging } = tracked;
  if (!logging.enableRequestLogging) return;
  runtime.logs.request({
    time: Date.now(),
    requestId: tracked.id,
    traceId: tracked.traceId,
    method: req.method ?? '',
    endpoint,
    status: res.statusCode,
    durationMs,
    client: tracked.client,
    tokenLabel: tracked.tokenLabel,
    body: logging.logRequestBody ? tracked.body : undefined,
    response: logging.logResponseData ? tracked.response : undefined,
    source: !tracked.business && isPanelRequest(req, endpoint) ? PANEL_SOURCE : undefined,
    code: tracked.code,
    error: tracked.error,
  });
}

/** What a span says of a request whose client went away before its answer was sent (nginx's 499). */
const CLIENT_CLOSED = 499;

function startRequestSpan(
  runtime: RuntimeContext,
  tracer: Tracer,
  req: IncomingMessage,
  parent: TraceParent | undefined,
  requestId: string,
  client: string | undefined,
): RequestSpan {
  const path = endpointOf(req);
  // A span's name has the route only for an endpoint: any path a client sends would grow the set.
  const route = runtime.state().generation.endpoint(path) ? path : undefined;
  return tracer.startRequest(route ? `POST ${route}` : 'POST', parent, {
    'http.request.method': 'POST',
    'url.path': path,
    'http.route': route,
    'client.address': client,
    'user_agent.original': req.headers['user-agent'],
    'api_deploy.request_id': requestId,
  });
}
