// The secrets file sealed by a cipher (issue 15: the desktop app encrypts with safeStorage): no
// value in plain text on disk, plain files migrated by their next change, and a sealed file a
// host cannot unseal refused with what to do, never dropped or written over.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore, type SecretCipher } from '../../src/server/workspace/secrets.js';
import { fakeCipher } from '../helpers/fake-cipher.js';

const VALUE = 'sk_live_7f3a9c1e5b2d4f6a8c0e';
const OTHER = 'sk_live_0e8c6a4f2d5b1e9c3a7f';
const DATES = { created: '2024-01-01T00:00:00.000Z', updated: '2024-01-02T00:00:00.000Z' };

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-secrets-'));
  file = path.join(dir, 'api-deploy.secrets.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const modeOf = async (name: string) => (await stat(name)).mode & 0o777;
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error.message,
  );

describe('the secrets file with a cipher', () => {
  it('holds no value in plain text; the store gives plain values; 0600; a restart reads them', async () => {
    const cipher = fakeCipher();
    const store = await SecretStore.open(file, {}, cipher);
    await store.set('PAYMENT_KEY', VALUE);
    await store.set('OTHER_KEY', OTHER);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain(OTHER);
    const json = JSON.parse(text);
    expect(json.encryption).toBe('fake-cipher');
    expect(json.secrets.PAYMENT_KEY).toEqual({
      sealed: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      created: expect.any(String),
      updated: expect.any(String),
    });
    expect(await modeOf(file)).toBe(0o600);
    expect(store.values()).toEqual({ PAYMENT_KEY: VALUE, OTHER_KEY: OTHER });

    const again = await SecretStore.open(file, {}, fakeCipher());
    expect(again.values()).toEqual({ PAYMENT_KEY: VALUE, OTHER_KEY: OTHER });
    expect(again.list().map(({ name }) => name)).toEqual(['OTHER_KEY', 'PAYMENT_KEY']);
    await again.delete('OTHER_KEY');
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).secrets)).toEqual(['PAYMENT_KEY']);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('migrates a plain file at its next change, not at open; no value is lost', async () => {
    const plain = `${JSON.stringify({ secrets: { PAYMENT_KEY: { value: VALUE, ...DATES } } }, null, 2)}\n`;
    await writeFile(file, plain, { mode: 0o600 });
    const store = await SecretStore.open(file, {}, fakeCipher());
    expect(store.values()).toEqual({ PAYMENT_KEY: VALUE });
    expect(await readFile(file, 'utf8')).toBe(plain); // opening never rewrites the file

    await store.set('OTHER_KEY', OTHER);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain(OTHER);
    const json = JSON.parse(text);
    expect(json.encryption).toBe('fake-cipher');
    expect(json.secrets.PAYMENT_KEY).toEqual({ sealed: expect.any(String), ...DATES });
    expect(await modeOf(file)).toBe(0o600);
    const again = await SecretStore.open(file, {}, fakeCipher());
    expect(again.values()).toEqual({ PAYMENT_KEY: VALUE, OTHER_KEY: OTHER });
  });

  it('a sealed file without the cipher (served headless) stops start-up and is left as it is', async () => {
    await (
      await SecretStore.open(file, {}, fakeCipher({ name: 'electron-safeStorage' }))
    ).set('PAYMENT_KEY', VALUE);
    const before = await readFile(file, 'utf8');
    const message = await failureOf(SecretStore.open(file, {}));
    expect(message).toContain(file);
    expect(message).toMatch(/encrypted by the API Deploy desktop app \(electron-safeStorage\)/);
    expect(message).toMatch(/serve this workspace from the desktop app/);
    expect(message).toMatch(/set the secrets again/);
    expect(message).not.toContain(VALUE);
    // a variable of the same name does not make the sealed file readable, nor is anything dropped
    await failureOf(SecretStore.open(file, { API_DEPLOY_SECRET_PAYMENT_KEY: 'x' }));
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('a file sealed by another cipher, or by another keychain, is a clear error naming the file', async () => {
    await (await SecretStore.open(file, {}, fakeCipher())).set('PAYMENT_KEY', VALUE);
    const before = await readFile(file, 'utf8');

    const otherName = await failureOf(SecretStore.open(file, {}, fakeCipher({ name: 'another' })));
    expect(otherName).toContain(file);
    expect(otherName).toMatch(/\(fake-cipher\) and cannot be decrypted with another/);

    const otherKey = await failureOf(SecretStore.open(file, {}, fakeCipher({ key: 0x33 })));
    expect(otherKey).toContain(file);
    expect(otherKey).toMatch(/cannot decrypt the secret PAYMENT_KEY/);
    expect(otherKey).toMatch(/remove the file and set the secrets again/);
    expect(otherKey).not.toContain(VALUE);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a file that is neither plain nor sealed as it should be', async () => {
    const cases: [unknown, RegExp][] = [
      [{ secrets: { A: { sealed: 'AAAA', ...DATES } } }, /encryption: sealed secrets need the cipher named/],
      [{ encryption: 'fake-cipher', secrets: { A: { value: 'v', sealed: 'AAAA', ...DATES } } }, /secrets\.A/],
      [{ encryption: 'fake-cipher', secrets: { A: { sealed: 'not base64!', ...DATES } } }, /secrets\.A/],
    ];
    for (const [content, problem] of cases) {
      await writeFile(file, JSON.stringify(content));
      const message = await failureOf(SecretStore.open(file, {}, fakeCipher()));
      expect(message).toContain(file);
      expect(message).toMatch(problem);
    }
  });

  it('an encryption failure fails the change: nothing falls back to plain text', async () => {
    let broken = false;
    const inner = fakeCipher();
    const cipher: SecretCipher = {
      ...inner,
      encrypt: (plain) =>
        broken ? Promise.reject(new Error('the keychain is locked')) : inner.encrypt(plain),
    };
    const store = await SecretStore.open(file, {}, cipher);
    await store.set('PAYMENT_KEY', VALUE);
    const before = await readFile(file, 'utf8');
    broken = true;
    await expect(store.set('OTHER_KEY', OTHER)).rejects.toThrow(
      /cannot encrypt the secret .* the keychain is locked/,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(store.values()).toEqual({ PAYMENT_KEY: VALUE });
    broken = false;
    await store.set('OTHER_KEY', OTHER); // the queue goes on after a failed change
    expect(store.values()).toEqual({ PAYMENT_KEY: VALUE, OTHER_KEY: OTHER });
  });

  it('API_DEPLOY_SECRET_* variables win as before and are never written to the file', async () => {
    const store = await SecretStore.open(file, { API_DEPLOY_SECRET_FROM_ENV: OTHER }, fakeCipher());
    await store.set('PAYMENT_KEY', VALUE);
    expect(store.values()).toEqual({ FROM_ENV: OTHER, PAYMENT_KEY: VALUE });
    expect(() => store.set('FROM_ENV', 'x')).toThrow(/API_DEPLOY_SECRET_FROM_ENV/);
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).secrets)).toEqual(['PAYMENT_KEY']);
  });

  it('without a cipher the file stays in plain text, as the headless server writes it', async () => {
    const store = await SecretStore.open(file, {});
    await store.set('PAYMENT_KEY', VALUE);
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json).toEqual({
      secrets: { PAYMENT_KEY: { value: VALUE, created: expect.any(String), updated: expect.any(String) } },
    });
    expect(await modeOf(file)).toBe(0o600);
  });
});
