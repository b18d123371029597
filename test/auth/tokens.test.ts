// A token presented again on the same connection is recognised without its digest: only ever
// as the token the store in force knows, never after it is revoked, never for another value.
import { describe, expect, it } from 'vitest';
import { TokenStore, type PresentedBefore } from '../../src/server/auth/tokens.js';

const config = (validTokens: string[]) => ({ validTokens, adminTokens: ['admin-token-value'] });
const fresh = (): PresentedBefore => ({ store: undefined, value: '', identity: undefined });

describe('TokenStore.identify with what the connection presented before', () => {
  it('answers as without it, for the right value, a wrong one, and one of another length', () => {
    const store = TokenStore.fromConfig(config(['business-token-1', 'business-token-2']));
    const before = fresh();
    for (const value of ['business-token-1', 'business-token-1', 'business-token-2', 'business-token-1']) {
      expect(store.identify(value, before)).toBe(store.identify(value));
      expect(before.value).toBe(value);
    }
    // wrong values after a right one, one differing in its last character only, one a prefix
    for (const wrong of ['business-token-x', 'business-token-', 'business-token-11', 'BUSINESS-TOKEN-1', ''])
      expect(store.identify(wrong, before)).toBeUndefined();
    expect(before.value).toBe('business-token-1'); // a guess is never kept
    expect(store.identify('admin-token-value', before)?.role).toBe('admin');
  });

  it('a rebuilt store does not take what its predecessor recognised', () => {
    const before = fresh();
    const first = TokenStore.fromConfig(config(['business-token-1']));
    expect(first.identify('business-token-1', before)?.role).toBe('business');
    const revoked = TokenStore.fromConfig(config(['business-token-2']));
    expect(revoked.identify('business-token-1', before)).toBeUndefined();
    expect(revoked.identify('business-token-2', before)?.role).toBe('business');
  });

  it('counts a use each time, recognised either way', () => {
    const usage = new Map<string, number>();
    const store = TokenStore.fromConfig(config(['business-token-1']), usage);
    const before = fresh();
    store.identify('business-token-1', before);
    usage.clear();
    store.identify('business-token-1', before);
    expect(usage.size).toBe(1);
  });
});
