import { outgoingRequest, type OutgoingRequest } from '../request/outgoing-request.js';
import type { Session } from '../session.js';

/** The raw outcome of a business call, as the request panel shows it. */
export interface CallResult {
  status: number;
  statusText: string;
  durationMs: number;
  headers: [string, string][];
  /** The runtime's id of the request (`x-request-id`), to find its log lines. */
  requestId?: string;
  /** The parsed JSON answer, or the text when it is not JSON. */
  body: unknown;
  json: boolean;
}

/** Calls `POST {endpoint}` as any client would: `{"body": ...}`, the token as Bearer. */
export function callEndpoint(
  session: Session,
  endpoint: string,
  body: unknown,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<CallResult> {
  return sendRequest(outgoingRequest({ baseUrl: session.baseUrl, endpoint, params: body, token }), signal);
}

/** Sends a call built by `outgoingRequest`, exactly as built. */
export async function sendRequest(request: OutgoingRequest, signal?: AbortSignal): Promise<CallResult> {
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal,
  });
  const text = await response.text();
  const durationMs = performance.now() - started;
  let parsed: unknown = text;
  let json = false;
  try {
    parsed = JSON.parse(text);
    json = true;
  } catch {
    // shown as text
  }
  return {
    status: response.status,
    statusText: response.statusText,
    durationMs,
    headers: [...response.headers.entries()],
    requestId: response.headers.get('x-request-id') ?? undefined,
    body: parsed,
    json,
  };
}
