import { PANEL_SOURCE, SOURCE_HEADER } from '../../../shared/admin-api.js';
import type { Envelope, ErrorDetail } from '../../../shared/contract.js';
import type { Session } from '../session.js';

/** An error answer of the runtime (or a failure to reach it), as the panel shows it. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the runtime could not be reached. */
    readonly status: number,
    readonly code: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export function urlOf(session: Session, path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${session.baseUrl}${path}${search ? `?${search}` : ''}`;
}

/**
 * The headers of every admin call the panel makes: its admin token (as Bearer, so it is never
 * in a URL) and its source, so its saves' versions say `panel` and the Logs view can tell its
 * own request lines from the user's.
 */
export function adminHeaders(session: Session): Record<string, string> {
  return { authorization: `Bearer ${session.adminToken}`, [SOURCE_HEADER]: PANEL_SOURCE };
}

/**
 * Calls the admin API with the session's admin token (as Bearer, so it is never in a URL) and
 * returns the envelope's `data`, or throws an ApiError carrying the envelope's code and text.
 */
export async function adminRequest<T>(
  session: Session,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  {
    body,
    query,
    signal,
    headers,
  }: { body?: unknown; query?: Query; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(urlOf(session, path, query), {
      method,
      headers: {
        ...adminHeaders(session),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('The API server cannot be reached. Is it running?', 0, 'UNREACHABLE');
  }
  const envelope = await readEnvelope<T>(response);
  if (envelope.success) return envelope.data;
  throw new ApiError(envelope.error, response.status, String(envelope.code), envelope.details);
}

async function readEnvelope<T>(response: Response): Promise<Envelope<T>> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Envelope<T>;
    if (parsed && typeof parsed === 'object' && 'success' in parsed) return parsed;
  } catch {
    // not JSON: reported below
  }
  throw new ApiError(
    `Unexpected answer from the server (HTTP ${response.status})`,
    response.status,
    'BAD_RESPONSE',
  );
}
