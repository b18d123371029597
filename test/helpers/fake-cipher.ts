import type { SecretCipher } from '../../src/server/workspace/secrets.js';

/**
 * A reversible stand-in for the desktop app's safeStorage cipher: the text behind a header,
 * XORed with `key`, in base64. A different key plays another machine's keychain: decrypting
 * then throws. Plain code (no vitest) so a child process can bundle it too.
 */
export function fakeCipher({ name = 'fake-cipher', key = 0x5a } = {}): SecretCipher {
  const header = 'fake-cipher:';
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((byte) => byte ^ key));
  return {
    name,
    encrypt: async (plain) => xor(Buffer.from(header + plain)).toString('base64'),
    decrypt: async (sealed) => {
      const text = xor(Buffer.from(sealed, 'base64')).toString();
      if (!text.startsWith(header)) throw new Error('the ciphertext is not ours');
      return text.slice(header.length);
    },
  };
}
