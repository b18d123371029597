/**
 * A curl command for a business call. The token is an environment variable, never a value:
 * a copied command is pasted into chats and tickets.
 */
export function curlCommand(baseUrl: string, endpoint: string, body: unknown): string {
  const json = JSON.stringify({ body: body ?? {} });
  return [
    `curl -X POST '${baseUrl}${endpoint}'`,
    `-H 'Content-Type: application/json'`,
    `-H "Authorization: Bearer $API_DEPLOY_TOKEN"`,
    `-d '${json.replaceAll("'", "'\\''")}'`,
  ].join(' \\\n  ');
}
