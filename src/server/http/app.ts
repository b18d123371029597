import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CallError } from '../exec/pool.js';
import { adminRouter } from './admin.js';
import { businessHandler } from './business.js';
import type { RuntimeContext } from './context.js';
import { sendError } from './envelope.js';
import { HttpError } from './errors.js';
import { endpointOf } from './request.js';
import { statusHandler } from './status.js';

const INCOMING_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The runtime's express app: routes, and the one place errors become envelopes. */
export function createApp(runtime: RuntimeContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    if (runtime.state().config.logging.enableRequestLogging) logWhenFinished(runtime, req, res);
    next();
  });

  app.get('/', statusHandler(runtime));
  app.use(jsonBody(runtime));
  app.use(adminRouter(runtime));
  app.post('/*path', businessHandler(runtime));
  app.use((req) => {
    const path = endpointOf(req);
    const hint = req.method === 'POST' ? '' : ' (API endpoints answer POST)';
    throw new HttpError('ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${path}${hint}`);
  });
  app.use(errorHandler(runtime));
  return app;
}

/** Parses any POST body as JSON, whatever its Content-Type, up to `maxBodyBytes`. */
function jsonBody(runtime: RuntimeContext) {
  let limit = -1;
  let parser: express.RequestHandler = (_req, _res, next) => next();
  return (req: Request, res: Response, next: NextFunction) => {
    const { maxBodyBytes } = runtime.state().config;
    if (maxBodyBytes !== limit) {
      limit = maxBodyBytes;
      parser = express.json({ type: () => true, limit, strict: false });
    }
    parser(req, res, next);
  };
}

interface BodyParserError extends Error {
  type?: string;
  limit?: number;
}

function errorHandler(runtime: RuntimeContext) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const endpoint = endpointOf(req);
    const httpError = toHttpError(error, runtime.state().config.debug);
    if (error instanceof CallError && !error.failure.expose) {
      runtime.logger.error(
        { kind: 'error', requestId: res.locals.requestId, endpoint, stack: error.failure.stack },
        error.message,
      );
    } else if (httpError.code === 'INTERNAL_ERROR') {
      runtime.logger.error(
        { kind: 'error', requestId: res.locals.requestId, endpoint, err: error },
        'internal error',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, endpoint, httpError);
  };
}

function toHttpError(error: unknown, debug: boolean): HttpError {
  // A function's own error message reaches the caller in debug mode only; never its stack.
  if (error instanceof CallError && !error.failure.expose && !debug) {
    return new HttpError('FUNCTION_ERROR', 'The function failed; the server log has the details');
  }
  if (error instanceof HttpError) return error;
  const type = (error as BodyParserError | undefined)?.type;
  if (type === 'entity.too.large') {
    const limit = (error as BodyParserError).limit;
    return new HttpError('PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${limit} bytes`);
  }
  if (type === 'entity.parse.failed') {
    return new HttpError('INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpError('INVALID_JSON', `The request body cannot be read: ${(error as Error).message}`);
  }
  const message = debug && error instanceof Error ? error.message : 'Internal server error';
  return new HttpError('INTERNAL_ERROR', message);
}

function logWhenFinished(runtime: RuntimeContext, req: Request, res: Response): void {
  const started = performance.now();
  res.once('finish', () => {
    runtime.logger.info(
      {
        kind: 'request',
        requestId: res.locals.requestId,
        method: req.method,
        endpoint: endpointOf(req),
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        client: req.socket.remoteAddress,
        tokenLabel: res.locals.tokenLabel,
      },
      'request',
    );
  });
}
