import type { IncomingMessage } from 'node:http';
import { HttpError } from '../core/errors.js';
import { jsonDepthProblem } from './json-depth.js';

/**
 * Reads a request body as text, refusing more than `limit` bytes. It never destroys the request
 * (its socket, and the client's address on it, stay for the answer and its log line): past the
 * limit the rest is dropped unread and the 413 says `connection: close`, so the socket ends once
 * that answer is sent. A client gone mid-body rejects with 400 BAD_REQUEST, which nobody reads.
 */
export function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Settled once; what the request emits after that is ignored (its listeners stay: taking
    // four off costs more on the hot path than leaving them to go with the request).
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        req.resume(); // what still arrives is dropped until the answer closes the socket
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
      );
    });
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(new HttpError('BAD_REQUEST', 'The request ended before its body was complete'));
    };
    req.once('error', onAbort);
    // 'close' before 'end': the client went away mid-body.
    req.once('close', () => {
      if (!req.complete) onAbort();
    });
  });
}

/**
 * Parses a body as JSON, whatever its Content-Type (a `curl -d` without a header sends form
 * encoding). An empty body reads as `{}`. A body nested deeper than `maxDepth` is refused before
 * it is parsed: a deep value would overflow the stack of whatever walks it next (validation,
 * the copy to a worker), and the scan costs less than the parse.
 */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.length === 0) return {};
  const tooDeep = jsonDepthProblem(text, maxDepth);
  if (tooDeep) throw new HttpError('INVALID_JSON', tooDeep);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError('INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJsonBody(req: IncomingMessage, limit: number, maxDepth: number): Promise<unknown> {
  return parseJsonBody(await readBodyText(req, limit), maxDepth);
}

function tooLarge(limit: number): HttpError {
  const error = new HttpError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes`,
  );
  // The rest of the body is not read: the connection cannot carry another request.
  error.headers = { connection: 'close' };
  return error;
}
