/**
 * A business call as it goes out, built once for both the fetch that sends it and the query
 * view that shows it: method, URL, headers and the exact body text. Shown, token values are
 * masked.
 */
import type { HeaderRow } from './headers.js';

export interface OutgoingRequest {
  method: 'POST';
  /** As fetched: relative to the page when the panel is served by the runtime. */
  url: string;
  headers: [string, string][];
  body: string;
}

export interface CallParts {
  /** The runtime's base URL ('' when the panel is served by it). */
  baseUrl: string;
  endpoint: string;
  /** The parameters: sent as `{"body": ...}`. */
  params: unknown;
  token?: string;
  /** Extra headers, checked already (request/headers.ts). */
  headers?: readonly HeaderRow[];
}

/** The call as any client makes it: `{"body": ...}`, the token as Bearer, then the extra headers. */
export function outgoingRequest({
  baseUrl,
  endpoint,
  params,
  token,
  headers = [],
}: CallParts): OutgoingRequest {
  return {
    method: 'POST',
    url: `${baseUrl}${endpoint}`,
    headers: [
      ['content-type', 'application/json'],
      ...(token ? [['authorization', `Bearer ${token}`] as [string, string]] : []),
      ...headers.map(({ name, value }) => [name.trim(), value] as [string, string]),
    ],
    body: JSON.stringify({ body: params }),
  };
}

export const MASK = '••••••••';

/**
 * The request as text, HTTP-like, for the query view: the URL made absolute against `origin`,
 * and every occurrence of a secret (the token sent, the panel's admin token) masked.
 */
export function describeRequest(
  request: OutgoingRequest,
  origin: string,
  secrets: readonly string[],
): string {
  const mask = (text: string) => maskSecrets(text, secrets);
  const url = request.url.startsWith('/') ? `${origin}${request.url}` : request.url;
  return [
    `${request.method} ${mask(url)}`,
    ...request.headers.map(([name, value]) => `${name}: ${mask(value)}`),
    '',
    mask(request.body),
  ].join('\n');
}

/** A text with every occurrence of each secret replaced by the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((secret) => secret !== '')
    .reduce((masked, secret) => masked.split(secret).join(MASK), text);
}
