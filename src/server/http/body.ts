import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** Reads a request body as text, refusing more than `limit` bytes. */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Parses a body as JSON, whatever its Content-Type (a `curl -d` without a header sends form
 * encoding). An empty body reads as `{}`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError('INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return parseJsonBody(await readBodyText(req, limit));
}

const tooLarge = (limit: number) =>
  new HttpError('PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${limit} bytes`);
