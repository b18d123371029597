import { useSyncExternalStore } from 'react';
import type { TokenRole } from '../../shared/admin-api.js';

/**
 * Token values the panel may send from the request panel: the ones created in this session,
 * held in memory only (never in storage, gone on reload), since the server shows a value once.
 */
export interface RememberedToken {
  id: string;
  label: string;
  value: string;
  /** The token's role, when known (saved requests sent with a business token take one of these). */
  role?: TokenRole;
}

let tokens: RememberedToken[] = [];
const listeners = new Set<() => void>();

function publish(next: RememberedToken[]) {
  tokens = next;
  for (const listener of listeners) listener();
}

export function rememberToken(token: RememberedToken): void {
  publish([...tokens.filter((known) => known.id !== token.id), token]);
}

export function forgetToken(id: string): void {
  publish(tokens.filter((known) => known.id !== id));
}

export function useRememberedTokens(): RememberedToken[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => tokens,
  );
}
