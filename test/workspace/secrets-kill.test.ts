// Issue 15: "secrets file mode 0600 and survives a kill mid-write". A child process changes
// sealed secrets in a loop through the real SecretStore; it is SIGKILLed at random moments, and
// after each kill the file must be one whole state the store wrote, readable by the next open.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/server/workspace/secrets.js';
import { fakeCipher } from '../helpers/fake-cipher.js';

/** Secrets the writer cycles through, and each value's size (under the store's 64 KiB cap). */
const NAMES = 8;
const PAD = 60_000;
/** Change n sets S<n % NAMES> to this: its number, then a pattern as long as PAD. */
const valueOf = (n: number) => `${n}:${'secret-'.repeat(PAD / 7)}`;

// The child: opens the store as the next start would, and goes on from the last change the file
// holds, so the file is always "the state after change N" for one N, across every round.
const WRITER = `
import { SecretStore } from './src/server/workspace/secrets.ts';
import { fakeCipher } from './test/helpers/fake-cipher.ts';
const [file, names, pad] = process.argv.slice(2).map((arg, i) => (i === 0 ? arg : Number(arg)));
const valueOf = (n) => n + ':' + 'secret-'.repeat(pad / 7);
const store = await SecretStore.open(file, {}, fakeCipher());
let n = Math.max(-1, ...Object.values(store.values()).map((value) => Number(value.split(':')[0]))) + 1;
for (let written = 0; ; n++, written++) {
  await store.set('S' + (n % names), valueOf(n));
  if (written === 1) process.stdout.write('ready\\n');
}
`;

describe('the secrets file survives a kill mid-write', () => {
  let dir: string;
  let writer: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-secrets-kill-'));
    writer = path.join(dir, 'writer.mjs');
    // the real store, compiled as it is, for a plain node child process
    await build({
      stdin: { contents: WRITER, resolveDir: process.cwd(), loader: 'ts' },
      outfile: writer,
      format: 'esm',
      platform: 'node',
      bundle: true,
      logLevel: 'silent',
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs the writer until it has written twice, then kills it a random moment later. */
  async function killMidWrite(file: string): Promise<void> {
    const child = spawn(process.execPath, [writer, file, String(NAMES), String(PAD)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the writer never got ready: ${stderr}`)), 15_000);
      child.stdout.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      void exited.then(() => reject(new Error(`the writer exited: ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 60));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  }

  it('after SIGKILL at random moments the file is one whole state, sealed, 0600, and opens', async () => {
    const file = path.join(dir, 'api-deploy.secrets.json');
    let last = -1;
    for (let round = 0; round < 8; round++) {
      await killMidWrite(file);
      expect((await stat(file)).mode & 0o777, `round ${round}`).toBe(0o600);
      const text = await readFile(file, 'utf8');
      expect(text, `round ${round}`).not.toContain('secret-secret-'); // sealed, no value in plain text
      // the next start opens it (the schema, every value unsealed) ...
      const values = (await SecretStore.open(file, {}, fakeCipher())).values();
      // ... and it is the state after change N: S<m % NAMES> holds change m, for the last NAMES m
      const n = Math.max(...Object.values(values).map((value) => Number(value.split(':')[0])));
      expect(n, `round ${round}`).toBeGreaterThan(last); // each round wrote at least twice
      const expected: Record<string, string> = {};
      for (let m = Math.max(0, n - NAMES + 1); m <= n; m++) expected[`S${m % NAMES}`] = valueOf(m);
      expect(values, `round ${round}: after change ${n}`).toEqual(expected);
      last = n;
    }
    // Writes cut short may leave their temporary files: they hold sealed values, 0600, and no
    // open reads them (the opens above succeeded beside them).
    for (const name of (await readdir(dir)).filter((entry) => entry.endsWith('.tmp'))) {
      expect((await stat(path.join(dir, name))).mode & 0o777, name).toBe(0o600);
      expect(await readFile(path.join(dir, name), 'utf8'), name).not.toContain('secret-secret-');
    }
  });
});
