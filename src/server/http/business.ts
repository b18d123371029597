import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkToken, presentedBefore, presentedToken, refuse } from '../auth/authenticate.js';
import type { TokenIdentity } from '../auth/tokens.js';
import type { CallContext } from '../load/served.js';
import { validationError } from '../params/validation.js';
import { parseJsonBody, readBodyText } from './body.js';
import type { RuntimeContext } from './context.js';
import { HttpError } from '../core/errors.js';
import { clientOf, endpointOf, isPlainObject } from './request.js';
import {
  callerTraceparentOf,
  note,
  requestIdOfResponse,
  requestSpanOf,
  setEndpoint,
  setTokenLabel,
} from './request-log.js';
import type { CallSpan } from '../trace/tracer.js';
import { sendData } from './respond.js';

const REQUEST_KEYS = new Set(['token', 'body']);

/**
 * `POST /{module}/{function}` with `{"token": "...", "body": {params}}`: the hot path, on
 * plain `node:http` (see handler.ts). Throws HttpErrors; the caller turns them into envelopes.
 */
export function businessHandler(runtime: RuntimeContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = endpointOf(req);
    const text = await readBodyText(req, runtime.state().config.maxBodyBytes);
    // Read once, after the body: a reload mid-request does not mix states.
    const { config, tokens, generation } = runtime.state();
    const { logging } = config;
    if (logging.enableRequestLogging && logging.logRequestBody) note(res, { body: text });
    const request = parseJsonBody(text, config.maxJsonDepth);
    if (!isPlainObject(request)) {
      throw new HttpError(
        'INVALID_JSON',
        'The request body must be a JSON object: {"token": "...", "body": {...}}',
      );
    }
    const client = clientOf(req);
    const checked = checkToken(
      runtime.attempts,
      tokens,
      client,
      presentedToken(req, request.token),
      'business',
      presentedBefore(req),
    );
    const identity = checked instanceof HttpError ? await refuse(runtime.attempts, client, checked) : checked;
    setTokenLabel(res, identity.label);

    for (const key in request) {
      if (!REQUEST_KEYS.has(key)) throw unknownKeys(request);
    }
    const body = request.body ?? {};
    if (!isPlainObject(body))
      throw new HttpError('INVALID_JSON', '"body" must be a JSON object of parameters');

    const endpoint = generation.endpoint(path);
    if (!endpoint) {
      const failure = generation.unavailable(path);
      if (failure) {
        const where = failure.line ? `${failure.file}:${failure.line}:${failure.column ?? 1}` : failure.file;
        throw new HttpError(
          'MODULE_UNAVAILABLE',
          `Module "${failure.module}" failed to load (${where}): ${failure.message}`,
        );
      }
      throw new HttpError('ENDPOINT_NOT_FOUND', `No endpoint ${path}`);
    }
    setEndpoint(res, endpoint.info.path);
    // The generation read above runs the call, even if a reload swaps in another meanwhile.
    const timeoutMs = endpoint.timeoutMs ?? config.functionTimeoutMs;
    const span = requestSpanOf(res)?.startCall(`call ${path}`, {
      'api_deploy.endpoint': path,
      'api_deploy.async': endpoint.async,
    });
    const call = endpoint.usesContext
      ? generation.pool!.call(
          endpoint,
          body,
          timeoutMs,
          callContext(req, res, path, identity, span?.traceparent),
          goneSignal(res),
        )
      : generation.pool!.call(endpoint, body, timeoutMs, undefined);
    const dataJson = span ? await traced(call, span) : await call;
    if (logging.enableRequestLogging && logging.logResponseData) note(res, { response: dataJson });
    sendData(res, path, dataJson);
  };
}

/** The call's answer, its span ended with it (and the error's code, if it failed). */
async function traced(call: Promise<string>, span: CallSpan): Promise<string> {
  try {
    const json = await call;
    span.end();
    return json;
  } catch (error) {
    span.end(error instanceof HttpError ? error.code : 'INTERNAL_ERROR');
    throw error;
  }
}

function unknownKeys(request: Record<string, unknown>): HttpError {
  return validationError(
    Object.keys(request)
      .filter((key) => !REQUEST_KEYS.has(key))
      .map((key) => ({
        path: key,
        message: 'Unknown key: a request has only "token" and "body"; parameters go inside "body"',
      })),
  );
}

/** What `context()` tells a function of its request. */
function callContext(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  identity: Readonly<TokenIdentity>,
  ownTraceparent: string | undefined,
): Omit<CallContext, 'deadline'> {
  return {
    requestId: requestIdOfResponse(res)!,
    // Not tracing, the caller's own traceparent is passed on as it came (W3C: forward unchanged).
    traceparent: ownTraceparent ?? callerTraceparentOf(res),
    endpoint: path,
    headers: forwardedHeaders(req),
    client: clientOf(req),
    caller: { tokenId: identity.id, label: identity.label, role: identity.role },
  };
}

/** Aborted when the client goes away before its answer is sent. */
function goneSignal(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}

/** Headers a function may read: not the credentials, which `context()` must never hand on. */
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
