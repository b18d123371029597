import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SecretInfo } from '../../shared/admin-api.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';

/** A secret's name: what `secret('NAME')` and `process.env.NAME` read. */
export const SECRET_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
/** The environment variables that feed secrets on a server: API_DEPLOY_SECRET_<NAME>. */
const ENV_PREFIX = 'API_DEPLOY_SECRET_';
const MAX_VALUE_BYTES = 64 * 1024;

const fileSchema = z.strictObject({
  secrets: z.record(
    z.string().regex(SECRET_NAME),
    z.strictObject({ value: z.string(), created: z.string(), updated: z.string() }),
  ),
});
type SecretsFile = z.infer<typeof fileSchema>;

export const secretNameProblem = (name: string): string | undefined =>
  SECRET_NAME.test(name)
    ? undefined
    : 'a secret name is upper-case letters, digits and _, not starting with a digit (at most 128)';

/**
 * The workspace's secrets: a JSON file beside the config (mode 0600, written atomically), never
 * inside the APIs folder or the config file, so neither the editor, the files API nor the
 * settings can show one; and `API_DEPLOY_SECRET_<NAME>` variables, which win over the file and
 * cannot be changed through the admin API. Values leave this store only for the workers and the
 * log sink's redaction; the admin API lists names and dates.
 */
export class SecretStore {
  private readonly listeners = new Set<() => void>();
  /** One change at a time: two overlapping read-edit-write cycles would lose one. */
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private stored: SecretsFile,
    private readonly fromEnv: ReadonlyMap<string, string>,
  ) {}

  /** Reads the secrets file (none yet is no secret) and the variables; a broken file stops start-up. */
  static async open(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SecretStore> {
    const fromEnv = new Map<string, string>();
    for (const [key, value] of Object.entries(env)) {
      const name = key.slice(ENV_PREFIX.length);
      if (key.startsWith(ENV_PREFIX) && value !== undefined && SECRET_NAME.test(name))
        fromEnv.set(name, value);
    }
    return new SecretStore(file, await readSecretsFile(file), fromEnv);
  }

  /** Every secret's value, by name (the variables over the file). */
  values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [name, { value }] of Object.entries(this.stored.secrets)) values[name] = value;
    for (const [name, value] of this.fromEnv) values[name] = value;
    return values;
  }

  list(): SecretInfo[] {
    const names = new Set([...Object.keys(this.stored.secrets), ...this.fromEnv.keys()]);
    return [...names].sort().map((name) => {
      if (this.fromEnv.has(name)) return { name, source: 'env' };
      const { created, updated } = this.stored.secrets[name]!;
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

  /** Called after every change (the workers and the redaction take the new values). */
  onChange(listener: () => void): () => void {
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

  private change(edit: (secrets: SecretsFile['secrets']) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const secrets = { ...this.stored.secrets };
      edit(secrets);
      const stored = { secrets };
      await writeFileAtomic(this.file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
      this.stored = stored;
      for (const listener of this.listeners) listener();
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
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
