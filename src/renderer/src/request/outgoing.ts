/**
 * The request panel's call before it goes out: the body text read as JSON, and why the panel
 * refuses to send (said as a sentence, shown when Send or Ctrl+Enter is tried).
 */

export type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** The body typed, as the parameters object sent (empty text sends `{}`). */
export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `The body is not valid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, problem: 'The body must be a JSON object (the parameters by name)' };
  return { ok: true, value: value as Record<string, unknown> };
}

export interface SendState {
  /** The endpoint chosen, if any. */
  endpoint?: string;
  body: ParsedBody;
  /** "Paste a token…" is chosen and nothing is pasted. */
  pastedTokenMissing: boolean;
  /** `{{name}}` references no variable answers, said as a sentence (request/environments.ts). */
  unknownVariables?: string;
  /** The extra headers' problems (request/headers.ts). */
  headerProblems?: readonly string[];
}

/** Why the request cannot be sent as it is, or undefined when it can. */
export function refusalOf(state: SendState): string | undefined {
  if (!state.endpoint) return 'Choose an endpoint first.';
  if (!state.body.ok) return `Not sent: ${lowerFirst(state.body.problem)}.`;
  if (state.pastedTokenMissing) return 'Not sent: paste the token to send, or choose No token.';
  if (state.unknownVariables) return `Not sent: ${state.unknownVariables}.`;
  const [header] = state.headerProblems ?? [];
  if (header) return `Not sent: ${header}.`;
  return undefined;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
