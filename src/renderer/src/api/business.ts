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
export async function callEndpoint(
  session: Session,
  endpoint: string,
  body: unknown,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<CallResult> {
  const started = performance.now();
  const response = await fetch(`${session.baseUrl}${endpoint}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ body }),
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
