import type { Request, Response } from 'express';
import { presentedToken, requireToken } from '../auth/authenticate.js';
import { validationError } from '../modules/validation.js';
import type { RuntimeContext } from './context.js';
import { sendData } from './envelope.js';
import { HttpError } from './errors.js';
import { endpointOf, isPlainObject } from './request.js';

const REQUEST_KEYS = new Set(['token', 'body']);

/** `POST /{module}/{function}` with `{"token": "...", "body": {params}}`. */
export function businessHandler(runtime: RuntimeContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const { config, tokens, generation } = runtime.state();
    const path = endpointOf(req);
    const request: unknown = req.body ?? {};
    if (!isPlainObject(request)) {
      throw new HttpError(
        'INVALID_JSON',
        'The request body must be a JSON object: {"token": "...", "body": {...}}',
      );
    }
    const identity = requireToken(tokens, presentedToken(req, request.token));
    res.locals.tokenLabel = identity.label;

    const unknownKeys = Object.keys(request).filter((key) => !REQUEST_KEYS.has(key));
    if (unknownKeys.length > 0) {
      throw validationError(
        unknownKeys.map((key) => ({
          path: key,
          message: 'Unknown key: a request has only "token" and "body"; parameters go inside "body"',
        })),
      );
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
    // The generation seen above runs the call, even if a reload swaps in another meanwhile.
    const dataJson = await generation.pool!.call(path, body, endpoint.timeoutMs ?? config.functionTimeoutMs);
    sendData(res, path, dataJson);
  };
}
