import { callJson, curlCommand, shellQuote, type ExtraHeader } from './curl.js';

/**
 * A business call written out for another client to make: curl, JavaScript's `fetch`, Python's
 * `requests` and HTTPie. Each quotes the JSON body for its language or shell, and takes the
 * token from the variable `API_DEPLOY_TOKEN`, never a value: a copied snippet is pasted into
 * chats and tickets. `token: false` (a call sent with no token) leaves the header out.
 */
export interface SnippetCall {
  baseUrl: string;
  endpoint: string;
  /** The parameters (the call's `body`). */
  body: unknown;
  token?: boolean;
  /** Headers beyond the call's own (the request panel's extra headers). */
  headers?: readonly ExtraHeader[];
}

export const SNIPPET_KINDS = ['curl', 'fetch', 'python', 'httpie'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

export function snippet(kind: SnippetKind, call: SnippetCall): string {
  switch (kind) {
    case 'curl':
      return curlCommand(call.baseUrl, call.endpoint, call.body, {
        token: call.token ?? true,
        headers: call.headers,
      });
    case 'fetch':
      return fetchSnippet(call);
    case 'python':
      return pythonSnippet(call);
    case 'httpie':
      return httpieSnippet(call);
  }
}

/** JavaScript (Node 18+, Deno, a browser's console with `process.env` replaced). */
export function fetchSnippet({ baseUrl, endpoint, body, token = true, headers = [] }: SnippetCall): string {
  // JSON is valid JavaScript (ES2019 and later, U+2028 included), so the body is written as it is.
  return [
    `const response = await fetch(${JSON.stringify(`${baseUrl}${endpoint}`)}, {`,
    `  method: 'POST',`,
    `  headers: {`,
    `    'Content-Type': 'application/json',`,
    ...(token ? ['    Authorization: `Bearer ${process.env.API_DEPLOY_TOKEN}`,'] : []),
    ...headers.map(([name, value]) => `    ${JSON.stringify(name)}: ${JSON.stringify(value)},`),
    `  },`,
    `  body: JSON.stringify(${callJson(body)}),`,
    `});`,
    `console.log(response.status, await response.json());`,
  ].join('\n');
}

/** Python 3 with `requests`; the body written as a Python literal. */
export function pythonSnippet({ baseUrl, endpoint, body, token = true, headers = [] }: SnippetCall): string {
  const entries = [
    ...(token ? ['"Authorization": "Bearer " + os.environ["API_DEPLOY_TOKEN"]'] : []),
    ...headers.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`),
  ];
  return [
    ...(token ? ['import os', ''] : []),
    'import requests',
    '',
    `response = requests.post(`,
    `    ${pythonLiteral(`${baseUrl}${endpoint}`)},`,
    `    json=${pythonLiteral({ body: body ?? {} })},`,
    ...(entries.length ? [`    headers={${entries.join(', ')}},`] : []),
    ')',
    'print(response.status_code, response.json())',
  ].join('\n');
}

/** HTTPie 3 (`http`): the JSON text sent as it is (`--raw`), single-quoted for the shell. */
export function httpieSnippet({ baseUrl, endpoint, body, token = true, headers = [] }: SnippetCall): string {
  return [
    `http POST ${shellQuote(`${baseUrl}${endpoint}`)}`,
    `Content-Type:application/json`,
    ...(token ? [`Authorization:"Bearer $API_DEPLOY_TOKEN"`] : []),
    ...headers.map(([name, value]) => shellQuote(`${name}:${value}`)),
    `--raw ${shellQuote(callJson(body))}`,
  ].join(' \\\n  ');
}

/**
 * A JSON value as a Python expression: `True`, `False`, `None`, and strings as JSON writes them
 * (its escapes, `\"`, `\\`, `\n`, `\uXXXX`, are Python's too; other characters stay as they are,
 * and Python 3 reads source as UTF-8).
 */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${pythonLiteral(item)}`).join(', ')}}`;
  }
  return 'None';
}
