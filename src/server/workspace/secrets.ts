import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  SECRET_ENV_PREFIX as ENV_PREFIX,
  SECRET_NAME,
  secretNameProblem,
  type SecretInfo,
} from '../../shared/admin-api.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';

// The name rule and the variables' prefix are the panel's too (src/shared/admin-api.ts).
export { SECRET_NAME, secretNameProblem };
const MAX_VALUE_BYTES = 64 * 1024;

/**
 * How a host keeps secret values unreadable at rest: the desktop app passes one built on
 * Electron's safeStorage (src/main/secret-cipher.ts); the headless server has none. `name` is
 * recorded in the file (`encryption`) so a reader knows what sealed it. Sealed text is base64.
 */
export interface SecretCipher {
  readonly name: string;
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

const dates = { created: z.string(), updated: z.string() };
/** A secret in the file: its value in plain text (no cipher), or sealed by the file's cipher. */
const entrySchema = z.union([
  z.strictObject({ value: z.string(), ...dates }),
  z.strictObject({ sealed: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text'), ...dates }),
]);
const fileSchema = z
  .strictObject({
    /** The cipher that sealed the entries (`SecretCipher.name`); absent in a plain file. */
    encryption: z.string().min(1).optional(),
    secrets: z.record(z.string().regex(SECRET_NAME), entrySchema),
  })
  .superRefine((file, ctx) => {
    if (file.encryption === undefined && Object.values(file.secrets).some((entry) => 'sealed' in entry))
      ctx.addIssue({ code: 'custom', path: ['encryption'], message: 'sealed secrets need the cipher named' });
  });
type SecretsFile = z.infer<typeof fileSchema>;
/** A secret as the store holds it in memory: always the plain value. */
interface Secret {
  value: string;
  created: string;
  updated: string;
}
type Secrets = Record<string, Secret>;

/** How the secrets changed: written by this process, or read again from the file. */
export type SecretsChange = 'written' | 'reread';

/**
 * The workspace's secrets: a JSON file beside the config (mode 0600, written atomically), never
 * inside the APIs folder or the config file, so neither the editor, the files API nor the
 * settings can show one; and `API_DEPLOY_SECRET_<NAME>` variables, which win over the file and
 * cannot be changed through the admin API. Values leave this store only for the workers and the
 * log sink's redaction; the admin API lists names and dates.
 *
 * With a `SecretCipher` (the desktop app, where the system keychain is available) every value
 * is sealed in the file; in memory the store holds plain values only. Each write seals every
 * value afresh, so a plain file opened with a cipher is migrated by its next change (not at
 * open: opening a workspace never rewrites its file), and a rotated key is taken up the same
 * way. A sealed file cannot be read without the cipher: open says so and leaves it as it is.
 */
export class SecretStore {
  private readonly listeners = new Set<(how: SecretsChange) => void>();
  /** One change at a time: two overlapping read-edit-write cycles would lose one. */
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private stored: Secrets,
    private readonly fromEnv: ReadonlyMap<string, string>,
    private readonly cipher: SecretCipher | undefined,
  ) {}

  /**
   * Reads the secrets file (none yet is no secret) and the variables; a broken file, or a sealed
   * one this host cannot unseal, stops start-up with a message naming the file.
   */
  static async open(
    file: string,
    env: NodeJS.ProcessEnv = process.env,
    cipher?: SecretCipher,
  ): Promise<SecretStore> {
    const fromEnv = new Map<string, string>();
    for (const [key, value] of Object.entries(env)) {
      const name = key.slice(ENV_PREFIX.length);
      if (key.startsWith(ENV_PREFIX) && value !== undefined && SECRET_NAME.test(name))
        fromEnv.set(name, value);
    }
    const stored = await unseal(file, await readSecretsFile(file), cipher);
    return new SecretStore(file, stored, fromEnv, cipher);
  }

  /** Every secret's value, by name (the variables over the file). */
  values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [name, { value }] of Object.entries(this.stored)) values[name] = value;
    for (const [name, value] of this.fromEnv) values[name] = value;
    return values;
  }

  list(): SecretInfo[] {
    const names = new Set([...Object.keys(this.stored), ...this.fromEnv.keys()]);
    return [...names].sort().map((name) => {
      if (this.fromEnv.has(name)) return { name, source: 'env' };
      const { created, updated } = this.stored[name]!;
      return { name, source: 'file', created, updated };
    });
  }

  /** Sets a secret (created or replaced) in the file. */
  set(name: string, value: string): Promise<void> {
    this.refuseEnv(name);
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw new HttpError('VALIDATION_ERROR', `A secret's value is at most ${MAX_VALUE_BYTES} bytes`, [
        { path: 'value', message: `at most ${MAX_VALUE_BYTES} bytes` },
      ]);
    }
    return this.change((secrets) => {
      const now = new Date().toISOString();
      secrets[name] = { value, created: secrets[name]?.created ?? now, updated: now };
    });
  }

  delete(name: string): Promise<void> {
    this.refuseEnv(name);
    return this.change((secrets) => {
      if (!(name in secrets)) throw new HttpError('SECRET_NOT_FOUND', `No secret named ${name}`);
      delete secrets[name];
    });
  }

  /**
   * Reads the file again (another replica changed it, on a workspace they share); the listeners
   * hear of it when a value changed. A file that cannot be read now is kept as it was.
   */
  reread(): Promise<void> {
    const next = this.writing.then(async () => {
      const stored = await unseal(this.file, await readSecretsFile(this.file), this.cipher);
      if (JSON.stringify(stored) === JSON.stringify(this.stored)) return;
      this.stored = stored;
      for (const listener of this.listeners) listener('reread');
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  /**
   * Called after every change (the workers and the redaction take the new values): `written`
   * here, or `reread` from the file another replica wrote.
   */
  onChange(listener: (how: SecretsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private refuseEnv(name: string): void {
    if (this.fromEnv.has(name)) {
      throw new HttpError(
        'SECRET_FROM_ENV',
        `${name} is set by the variable ${ENV_PREFIX}${name}; change it where the server is started`,
      );
    }
  }

  private change(edit: (secrets: Secrets) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const secrets = { ...this.stored };
      edit(secrets);
      const text = JSON.stringify(await this.fileOf(secrets), null, 2);
      await writeFileAtomic(this.file, `${text}\n`, { mode: 0o600 });
      this.stored = secrets;
      for (const listener of this.listeners) listener('written');
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** The file's content for these secrets: sealed with the cipher, if any, else in plain text. */
  private async fileOf(secrets: Secrets): Promise<SecretsFile> {
    const { cipher } = this;
    if (!cipher) return { secrets };
    const sealed: SecretsFile['secrets'] = {};
    for (const [name, { value, created, updated }] of Object.entries(secrets)) {
      try {
        sealed[name] = { sealed: await cipher.encrypt(value), created, updated };
      } catch (error) {
        // Never fall back to plain text: the change fails and the file stays as it was.
        const problem = `cannot encrypt the secret ${name} with ${cipher.name}: ${(error as Error).message}`;
        throw new Error(problem, { cause: error });
      }
    }
    return { encryption: cipher.name, secrets: sealed };
  }
}

/**
 * The plain secrets of a file as read. Sealed entries need the cipher that sealed them; without
 * it (the same workspace served headless, or the desktop app without its keychain) start-up
 * stops with what to do, rather than dropping the secrets or writing over them.
 */
async function unseal(file: string, stored: SecretsFile, cipher: SecretCipher | undefined): Promise<Secrets> {
  const { encryption } = stored;
  const sealedCount = Object.values(stored.secrets).filter((entry) => 'sealed' in entry).length;
  if (sealedCount > 0 && cipher?.name !== encryption) {
    throw new Error(
      `the ${sealedCount} secret(s) in ${file} were encrypted by the API Deploy desktop app ` +
        `(${encryption}) and cannot be decrypted ${cipher ? `with ${cipher.name}` : 'here'}: serve this ` +
        'workspace from the desktop app, with the system keychain available, or remove the file and ' +
        'set the secrets again',
    );
  }
  const secrets: Secrets = {};
  for (const [name, entry] of Object.entries(stored.secrets)) {
    const { created, updated } = entry;
    if ('value' in entry) {
      secrets[name] = { value: entry.value, created, updated };
      continue;
    }
    try {
      secrets[name] = { value: await cipher!.decrypt(entry.sealed), created, updated };
    } catch (error) {
      throw new Error(
        `cannot decrypt the secret ${name} in ${file} with ${cipher!.name} (${(error as Error).message}): ` +
          'it was encrypted for another user, machine or keychain; remove the file and set the secrets again',
        { cause: error },
      );
    }
  }
  return secrets;
}

async function readSecretsFile(file: string): Promise<SecretsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { secrets: {} };
    throw new Error(`cannot read the secrets file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the secrets file ${file} is not valid JSON; fix or remove it`);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`the secrets file ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return result.data;
}
