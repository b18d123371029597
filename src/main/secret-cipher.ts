import { safeStorage as electronSafeStorage } from 'electron';
import type { SecretCipher } from '../server/index.js';

/** The name the secrets file records (`"encryption"`) for values sealed here. */
export const SAFE_STORAGE = 'electron-safeStorage';

/** The part of Electron's safeStorage used here (the tests pass a fake one). */
export type SafeStorage = Pick<
  Electron.SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface CipherOptions {
  safeStorage?: SafeStorage;
  platform?: NodeJS.Platform;
  /** Told why secrets stay in plain text, when they do. */
  warn?: (message: string) => void;
}

/**
 * Linux backends that give no protection: `basic_text` seals with a key hard-coded in Chromium
 * (anyone can unseal it), and `unknown` means the app is not ready, so nothing is known yet.
 */
const UNPROTECTED_BACKENDS = new Set(['basic_text', 'unknown']);

/**
 * The secrets cipher of the desktop app: Electron's safeStorage (the macOS Keychain, Windows
 * DPAPI, the Secret Service or KWallet on Linux), or undefined when it is not available or
 * would be no real protection; secrets are then kept as the headless server keeps them (plain
 * text, mode 0600). Call once the app is ready. The async API: the sync one is deprecated in
 * Electron 45.
 */
export async function safeStorageCipher({
  safeStorage = electronSafeStorage,
  platform = process.platform,
  warn = () => undefined,
}: CipherOptions = {}): Promise<SecretCipher | undefined> {
  const unavailable = (why: string) => {
    warn(`secrets are stored unencrypted (mode 0600): ${why}`);
    return undefined;
  };
  try {
    if (!(await safeStorage.isAsyncEncryptionAvailable()))
      return unavailable('safeStorage encryption is not available');
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend();
      if (UNPROTECTED_BACKENDS.has(backend))
        return unavailable(`safeStorage has no system keychain (its backend is ${backend})`);
    }
  } catch (error) {
    return unavailable(`safeStorage failed: ${(error as Error).message}`);
  }
  return {
    name: SAFE_STORAGE,
    encrypt: async (plain) => (await safeStorage.encryptStringAsync(plain)).toString('base64'),
    // `shouldReEncrypt` (a rotated key) needs nothing here: every write of the file seals again.
    decrypt: async (sealed) => (await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'))).result,
  };
}
