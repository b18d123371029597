import type { SavedRequest, TokenKind } from '../../shared/admin-api.js';
import { callEndpoint, type CallResult } from './api/business.js';
import { subsetMismatch } from './json-subset.js';
import { substituteInJson, unknownVariablesProblem, type Environment } from './request/environments.js';
import type { Session } from './session.js';

/**
 * Running saved requests from the panel, as any client calls an endpoint: the token chosen by
 * the request's kind, `{{name}}` in the body from the chosen environment, the verdict from the
 * status and the expected subset of `data`.
 */

/** What a run sends with: token values held by the caller in memory only, and the environment. */
export interface RunWith {
  /** A business token: one created in this session, or pasted for the run. */
  business?: string;
  /** The environment chosen in the request panel: its variables go into the body's strings. */
  environment?: Environment;
}

/** `needs-token`: sent with a business token, and none is known (nothing was sent). */
export type Verdict = 'pass' | 'fail' | 'needs-token';

export interface RunOutcome {
  request: SavedRequest;
  verdict: Verdict;
  /** Why it failed, or what passed (`status 200`, `status 200, data matches`). */
  reason: string;
  status?: number;
  durationMs?: number;
  result?: CallResult;
}

export const NEEDS_BUSINESS_TOKEN = 'needs a business token: paste one';

/** The token to send for a kind: a value, none (`undefined`), or `missing` when none is known. */
export function tokenFor(
  kind: TokenKind,
  session: Session,
  tokens: RunWith,
): { token: string | undefined } | 'missing' {
  if (kind === 'admin') return { token: session.adminToken };
  if (kind === 'none') return { token: undefined };
  const business = tokens.business?.trim();
  return business ? { token: business } : 'missing';
}

/** Pass: a 2xx status and, when `expect` is set, an answer whose `data` contains it. */
export function judge(result: CallResult, expect: unknown): Pick<RunOutcome, 'verdict' | 'reason'> {
  const { status } = result;
  const answer = result.body as { code?: unknown; error?: unknown; data?: unknown } | null;
  if (status < 200 || status >= 300) {
    const code = result.json && typeof answer?.code === 'string' ? ` ${answer.code}` : '';
    return { verdict: 'fail', reason: `status ${status}${code}, expected 2xx` };
  }
  if (expect === undefined) return { verdict: 'pass', reason: `status ${status}` };
  if (!result.json || answer === null || typeof answer !== 'object') {
    return { verdict: 'fail', reason: `status ${status}, but the answer is not JSON` };
  }
  const mismatch = subsetMismatch(expect, answer.data);
  return mismatch
    ? { verdict: 'fail', reason: mismatch }
    : { verdict: 'pass', reason: `status ${status}, data matches` };
}

/** Runs one saved request. Never throws: a call that does not complete is a failure. */
export async function runSaved(
  session: Session,
  request: SavedRequest,
  run: RunWith,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const chosen = tokenFor(request.tokenKind, session, run);
  if (chosen === 'missing') return { request, verdict: 'needs-token', reason: NEEDS_BUSINESS_TOKEN };
  const params = substituteInJson(request.body, run.environment?.variables ?? []);
  const unknown = unknownVariablesProblem(params.unknown, run.environment);
  if (unknown) return { request, verdict: 'fail', reason: `not sent: ${unknown}` };
  try {
    const result = await callEndpoint(session, request.endpoint, params.value, chosen.token, signal);
    return {
      request,
      ...judge(result, request.expect),
      status: result.status,
      durationMs: result.durationMs,
      result,
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { request, verdict: 'fail', reason: `the call did not complete: ${(error as Error).message}` };
  }
}

/** Runs saved requests one after the other, reporting each outcome as it comes. */
export async function runAll(
  session: Session,
  requests: readonly SavedRequest[],
  run: RunWith,
  onOutcome: (outcome: RunOutcome, index: number) => void,
  signal?: AbortSignal,
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const [index, request] of requests.entries()) {
    if (signal?.aborted) break;
    const outcome = await runSaved(session, request, run, signal);
    outcomes.push(outcome);
    onOutcome(outcome, index);
  }
  return outcomes;
}
