import * as z from 'zod/mini';

/**
 * The request panel's recent requests, kept in localStorage: endpoint, body and outcome, never
 * a token value. Read through zod (its tree-shakable `zod/mini`), since storage is a boundary: anything else is dropped.
 */
const HISTORY_KEY = 'api-deploy.history';
const REPLAY_KEY = 'api-deploy.replay';
const LIMIT = 30;

const historyEntry = z.object({
  endpoint: z.string().check(z.startsWith('/')),
  body: z.string(),
  status: z.int(),
  durationMs: z.number(),
  at: z.string(),
});
export type HistoryEntry = z.infer<typeof historyEntry>;

export function readHistory(): HistoryEntry[] {
  try {
    const parsed = z.array(historyEntry).safeParse(JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function addToHistory(entry: HistoryEntry): HistoryEntry[] {
  const next = [entry, ...readHistory()].slice(0, LIMIT);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
  return next;
}

export function clearHistory(): void {
  localStorage.removeItem(HISTORY_KEY);
}

/** A logged request to open in the request panel, handed over by the logs view. */
/** `body`: the parameters when the logged text parses, the text otherwise. */
const replay = z.object({ endpoint: z.string().check(z.startsWith('/')), body: z.optional(z.unknown()) });
export type Replay = z.infer<typeof replay>;

export function offerReplay(request: Replay): void {
  try {
    // Replaces any older replay; without a body the request panel starts from the defaults.
    sessionStorage.setItem(REPLAY_KEY, JSON.stringify(request));
  } catch {
    // storage refused (private mode, quota): the endpoint alone still opens
  }
}

/** The replay waiting for the request panel, taken (it is used once). */
export function takeReplay(): Replay | undefined {
  const text = sessionStorage.getItem(REPLAY_KEY);
  sessionStorage.removeItem(REPLAY_KEY);
  if (!text) return undefined;
  try {
    const parsed = replay.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
