/**
 * The request panel's token choice: a token created in this session (by its id), the panel's
 * admin token, one pasted, or none. Only the choice is ever stored (as a kind of token, in saved
 * requests and environments); the value is looked up when the call is made.
 */
import type { TokenKind } from '../../../shared/admin-api.js';
import type { RememberedToken } from '../token-memory.js';

export const ADMIN = 'admin';
export const PASTE = 'paste';
export const NONE = 'none';

/**
 * The token choice in force: the one chosen, while it is still offered (a revoked token is
 * forgotten), else the newest business token created in this session, else the admin token.
 */
export function tokenChoiceOf(chosen: string | undefined, remembered: readonly RememberedToken[]): string {
  const offered = (choice: string) =>
    choice === ADMIN ||
    choice === PASTE ||
    choice === NONE ||
    remembered.some((known) => known.id === choice);
  if (chosen !== undefined && offered(chosen)) return chosen;
  return remembered.findLast((known) => known.role === 'business')?.id ?? ADMIN;
}

/** The choice that sends a token of this kind: for a business token, the newest one known, else paste one. */
export function choiceForKind(kind: TokenKind, remembered: readonly RememberedToken[]): string {
  if (kind === 'admin') return ADMIN;
  if (kind === 'none') return NONE;
  return remembered.findLast((known) => known.role === 'business')?.id ?? PASTE;
}

/** The kind of token a choice sends (a pasted one counts as business). */
export function kindOfChoice(choice: string, remembered: readonly RememberedToken[]): TokenKind {
  if (choice === ADMIN) return 'admin';
  if (choice === NONE) return 'none';
  return remembered.find((known) => known.id === choice)?.role === 'admin' ? 'admin' : 'business';
}

/** The token value a choice sends, if any. */
export function tokenOfChoice(
  choice: string,
  {
    adminToken,
    pasted,
    remembered,
  }: { adminToken: string; pasted: string; remembered: readonly RememberedToken[] },
): string | undefined {
  if (choice === ADMIN) return adminToken;
  if (choice === PASTE) return pasted.trim() || undefined;
  if (choice === NONE) return undefined;
  return remembered.find((known) => known.id === choice)?.value;
}
