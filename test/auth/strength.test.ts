import { describe, expect, it } from 'vitest';
import { isUnguessable } from '../../src/server/auth/strength.js';
import { newTokenValue } from '../../src/server/auth/tokens.js';

describe('isUnguessable', () => {
  it('holds for every token this program makes, not for words, short or patterned values', () => {
    for (let n = 0; n < 50; n++) expect(isUnguessable(newTokenValue())).toBe(true);
    for (const weak of [
      'your-admin-token',
      'test-business-token',
      'correct-horse-battery',
      'a'.repeat(64),
      'abc'.repeat(20),
      'Pa55word!',
    ]) {
      expect(isUnguessable(weak)).toBe(false);
    }
  });
});
