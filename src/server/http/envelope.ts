import type { Response } from 'express';
import type { ErrorEnvelope } from '../../shared/contract.js';
import type { HttpError } from './errors.js';

/**
 * Writes a success envelope around JSON text that is already serialised, so a function's result
 * is stringified once, not parsed and stringified again.
 */
export function sendData(res: Response, endpoint: string, dataJson: string, status = 200): void {
  const body = `{"success":true,"data":${dataJson},"endpoint":${JSON.stringify(endpoint)}}`;
  writeJson(res, status, body);
}

export function sendValue(res: Response, endpoint: string, data: unknown): void {
  sendData(res, endpoint, JSON.stringify(data ?? null));
}

export function sendError(res: Response, endpoint: string, error: HttpError): void {
  const envelope: ErrorEnvelope = { success: false, error: error.message, code: error.code, endpoint };
  if (error.details) envelope.details = error.details;
  writeJson(res, error.status, JSON.stringify(envelope));
}

export function writeJson(res: Response, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
