/**
 * The request panel's call before it goes out: the body text read as JSON, the environment's
 * variables put in, the headers checked, and either the request to send or why the panel
 * refuses to (a sentence, shown when Send or Ctrl+Enter is tried). No React here.
 */
import { substitute, substituteInJson, unknownVariablesProblem, type Environment } from './environments.js';
import { filledRows, headerProblems, type HeaderRow } from './headers.js';
import { outgoingRequest, type OutgoingRequest } from './outgoing-request.js';

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

/** What the panel holds of a call about to be made. */
export interface CallDraft {
  /** The endpoint chosen, if any. */
  endpoint?: string;
  /** The runtime's base URL ('' when the panel is served by it). */
  baseUrl: string;
  bodyText: string;
  headers: readonly HeaderRow[];
  environment?: Environment;
  /** The token value to send, if any. */
  token?: string;
  /** "Paste a token…" is chosen and nothing is pasted. */
  pastedTokenMissing: boolean;
}

export interface PreparedCall {
  body: ParsedBody;
  /** The parameters with the variables in, while the body is a JSON object. */
  params?: unknown;
  /** The headers that say something, with the variables in. */
  headers: HeaderRow[];
  headerProblems: string[];
  /** Why it cannot be sent; undefined when `request` is what goes out. */
  refusal?: string;
  request?: OutgoingRequest;
}

/** The call as it would go out now, or why it cannot. */
export function prepareCall(draft: CallDraft): PreparedCall {
  const body = parseBody(draft.bodyText);
  const variables = draft.environment?.variables ?? [];
  const params = body.ok ? substituteInJson(body.value, variables) : undefined;
  const headerValues = filledRows(draft.headers).map((row) => ({
    row,
    value: substitute(row.value, variables),
  }));
  const unknown = [
    ...new Set([...(params?.unknown ?? []), ...headerValues.flatMap(({ value }) => value.unknown)]),
  ];
  const headers = headerValues.map(({ row, value }) => ({ name: row.name.trim(), value: value.value }));
  const problems = headerProblems(headers);
  const refusal = refusalOf({
    endpoint: draft.endpoint,
    body,
    pastedTokenMissing: draft.pastedTokenMissing,
    unknownVariables: unknownVariablesProblem(unknown, draft.environment),
    headerProblems: problems,
  });
  const request =
    refusal === undefined && draft.endpoint && params
      ? outgoingRequest({
          baseUrl: draft.baseUrl,
          endpoint: draft.endpoint,
          params: params.value,
          token: draft.token,
          headers,
        })
      : undefined;
  return { body, params: params?.value, headers, headerProblems: problems, refusal, request };
}
