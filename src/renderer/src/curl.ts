/** A request header beyond the call's own, as name and value. */
export type ExtraHeader = readonly [name: string, value: string];

/**
 * A curl command for a business call. The token is an environment variable, never a value:
 * a copied command is pasted into chats and tickets. Other languages: snippets.ts.
 */
export function curlCommand(
  baseUrl: string,
  endpoint: string,
  body: unknown,
  { token = true, headers = [] }: { token?: boolean; headers?: readonly ExtraHeader[] } = {},
): string {
  return [
    `curl -X POST ${shellQuote(`${baseUrl}${endpoint}`)}`,
    `-H 'Content-Type: application/json'`,
    ...(token ? [`-H "Authorization: Bearer $API_DEPLOY_TOKEN"`] : []),
    ...headers.map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`),
    `-d ${shellQuote(callJson(body))}`,
  ].join(' \\\n  ');
}

/** What a business call sends: `{"body": <params>}`, compact. */
export const callJson = (body: unknown): string => JSON.stringify({ body: body ?? {} });

/**
 * A word for a POSIX shell (bash, zsh, sh), taken literally: in single quotes nothing is special
 * (`$`, `\`, `"`, newlines, non-ASCII) but the single quote itself, written `'\''`.
 */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
