// Issue 15: in the desktop app, the workspace's secrets are encrypted with Electron's safeStorage
// where it is available (and is real protection); the headless server refuses the sealed file.
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS, makeWorkspace } from '../helpers/server.js';
import { resetElectron, safeStorage } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { safeStorageCipher, SAFE_STORAGE } = await import('../../src/main/secret-cipher.js');
const { RuntimeHost } = await import('../../src/main/runtime-host.js');
const { workspaceAt } = await import('../../src/main/workspace.js');
const { hostRuntime } = await import('../../src/server/host.js');
const { resolveConfigSource } = await import('../../src/server/index.js');

const OUT = path.resolve('out');
const SESSION = { token: 'a-session-token-for-the-secret-cipher-tests', label: 'desktop app' };
const VALUE = 'sk_live_7f3a9c1e5b2d4f6a8c0e';

beforeEach(() => resetElectron());

describe('the safeStorage cipher', () => {
  it('seals to base64 holding no plain text, and unseals back', async () => {
    const cipher = (await safeStorageCipher({ platform: 'linux' }))!;
    expect(cipher.name).toBe(SAFE_STORAGE);
    const sealed = await cipher.encrypt(VALUE);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(sealed, 'base64').toString()).not.toContain(VALUE);
    expect(await cipher.decrypt(sealed)).toBe(VALUE);
    expect(await cipher.decrypt(await cipher.encrypt(''))).toBe('');
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(VALUE);
  });

  it('is none where safeStorage is not available, saying why', async () => {
    safeStorage.available = false;
    const warn = vi.fn();
    expect(await safeStorageCipher({ platform: 'darwin', warn })).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unencrypted.*not available/));
  });

  it("is none on Linux's basic_text backend (a hard-coded key) or before the app is ready", async () => {
    for (const backend of ['basic_text', 'unknown'] as const) {
      safeStorage.backend = backend;
      const warn = vi.fn();
      expect(await safeStorageCipher({ platform: 'linux', warn }), backend).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`backend is ${backend}`));
    }
    // the backend is a Linux notion: elsewhere safeStorage is the OS's own keychain
    expect(await safeStorageCipher({ platform: 'win32' })).toBeDefined();
    for (const backend of ['gnome_libsecret', 'kwallet6'] as const) {
      safeStorage.backend = backend;
      expect(await safeStorageCipher({ platform: 'linux' }), backend).toBeDefined();
    }
  });

  it('is none when safeStorage fails to answer', async () => {
    safeStorage.isAsyncEncryptionAvailable.mockRejectedValueOnce(new Error('no keyring daemon'));
    const warn = vi.fn();
    expect(await safeStorageCipher({ warn })).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no keyring daemon'));
  });
});

describe('the desktop runtime with the cipher', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('seals the secrets it sets; the same workspace headless, or without a keychain, refuses to start', async () => {
    dir = await makeWorkspace({
      'apis/s.ts':
        "import { apiFunction, secret } from 'api-deploy';\nexport const read = apiFunction(() => secret('PAYMENT_KEY'));\n",
    });
    const file = path.join(dir, 'api-deploy.secrets.json');
    const cannotStart = vi.fn(async () => 'quit' as const);
    const host = new RuntimeHost({
      outDir: OUT,
      sessionToken: SESSION,
      faults: { portInUse: vi.fn(), cannotStart },
      env: {},
      secretCipher: () => safeStorageCipher({ platform: 'linux' }),
    });
    const runtime = (await host.start(workspaceAt(dir)))!;
    const put = await fetch(`${runtime.url}/api/secrets/PAYMENT_KEY`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${SESSION.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: VALUE }),
    });
    expect(put.status).toBe(200);
    await host.stop();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(VALUE);
    expect(JSON.parse(text).encryption).toBe(SAFE_STORAGE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // served headless (`npm run serve`: no cipher)
    const source = resolveConfigSource({ config: path.join(dir, 'api-deploy.config.json') }, {});
    const headless = hostRuntime({ source, outDir: OUT, env: {} });
    await expect(headless.start()).rejects.toThrow(/encrypted by the API Deploy desktop app/);
    await headless.stop();

    // the desktop app where the keychain is not available: the start fault says what to do
    safeStorage.available = false;
    expect(await host.start(workspaceAt(dir))).toBeUndefined();
    expect(cannotStart).toHaveBeenCalledWith(
      expect.objectContaining({
        message: expect.stringMatching(/serve this workspace from the desktop app/),
      }),
    );
    expect(await readFile(file, 'utf8')).toBe(text);

    // the keychain back: the secrets are there
    safeStorage.available = true;
    const again = (await host.start(workspaceAt(dir)))!;
    try {
      const call = await fetch(`${again.url}/s/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BUSINESS}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(((await call.json()) as { data: unknown }).data).toBe(VALUE);
    } finally {
      await host.stop();
    }
  });
});
