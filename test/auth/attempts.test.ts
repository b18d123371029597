import { describe, expect, it } from 'vitest';
import { FailedAttempts, keyOf } from '../../src/server/auth/attempts.js';

describe('failed attempts are counted by address', () => {
  it('an IPv4 address (plain or IPv6-mapped) by itself, an IPv6 one by its /64 network', () => {
    expect(keyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(keyOf('::ffff:203.0.113.7')).toBe('::ffff:203.0.113.7');
    expect(keyOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(keyOf('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(keyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(keyOf('::1')).toBe('0:0:0:0::/64');
  });

  it('so another address of the same /64 is locked out with the first', async () => {
    const attempts = new FailedAttempts(2);
    await attempts.fail('2001:db8:1:2::10');
    await attempts.fail('2001:db8:1:2::11');
    expect((await attempts.lockout('2001:db8:1:2::12'))?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await attempts.lockout('2001:db8:1:3::12')).toBeUndefined();
    expect(await attempts.lockout('203.0.113.7')).toBeUndefined();
  });
});
