import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  SAVED_REQUEST_JSON_MAX_BYTES,
  SAVED_REQUEST_NAME_MAX,
  SAVED_REQUESTS_MAX,
  TOKEN_KINDS,
  type SavedRequest,
  type SavedRequestInput,
} from '../../shared/admin-api.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';
import { dataDirOf } from '../core/workspace-paths.js';

/** The saved requests' file, in the workspace's own data folder (`.api-deploy/`). */
const FILE_NAME = 'requests.json';

/** A JSON value of at most `SAVED_REQUEST_JSON_MAX_BYTES` as text. */
const boundedJson = <T extends z.ZodType>(schema: T) =>
  schema.refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= SAVED_REQUEST_JSON_MAX_BYTES,
    `at most ${SAVED_REQUEST_JSON_MAX_BYTES} bytes as JSON`,
  );

const fields = {
  name: z
    .string()
    .trim()
    .min(1, 'a name is required')
    .max(SAVED_REQUEST_NAME_MAX, `at most ${SAVED_REQUEST_NAME_MAX} characters`)
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'no control characters'),
  endpoint: z
    .string()
    .max(300)
    .regex(/^(\/[^/\s?#]+){2,}$/, 'an endpoint path, /module/function'),
  body: boundedJson(z.record(z.string(), z.json())),
  tokenKind: z.enum(TOKEN_KINDS),
  expect: boundedJson(z.json()).optional(),
};

/**
 * What a client sends to create or replace one: no field can hold a token value (strict: an
 * unknown key is refused). `token` is the admin token when sent in the body (admin.ts reads it),
 * never stored.
 */
export const savedRequestInput = z.strictObject({
  ...fields,
  body: fields.body.default({}),
  token: z.string().optional(),
});

const savedRequest = z.strictObject({
  id: z.string().regex(/^[a-z0-9]{1,32}$/),
  ...fields,
  created: z.string(),
  updated: z.string(),
});
const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

const fileSchema = z
  .strictObject({
    version: z.literal(1),
    requests: z.array(savedRequest).max(SAVED_REQUESTS_MAX),
  })
  .superRefine(({ requests }, ctx) => {
    requests.forEach((request, index) => {
      const earlier = requests.slice(0, index);
      if (earlier.some((other) => other.id === request.id))
        ctx.addIssue({ code: 'custom', path: ['requests', index, 'id'], message: 'an id used twice' });
      else if (earlier.some((other) => sameName(other.name, request.name)))
        ctx.addIssue({ code: 'custom', path: ['requests', index, 'name'], message: 'a name used twice' });
    });
  });

/**
 * A workspace's saved requests (the request panel's): `<baseDir>/.api-deploy/requests.json`,
 * read through the schema on every use (a hand edit or a checkout is seen at once) and written
 * atomically, one change at a time. A file that does not parse is reported (409
 * REQUESTS_FILE_INVALID, saying where) and never written over: a change waits until it is fixed
 * or removed. A saved request says which kind of token it is sent with, never a token value;
 * `tokenValues` are the runtime's current ones, refused anywhere in what is saved.
 */
export class SavedRequestStore {
  /** One store per file, so every change to one file waits its turn. */
  private static readonly open = new Map<string, SavedRequestStore>();
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    /** How the file is named in messages (relative to the workspace). */
    private readonly shown: string,
  ) {}

  static of(baseDir: string): SavedRequestStore {
    const file = path.join(dataDirOf(baseDir), FILE_NAME);
    let store = SavedRequestStore.open.get(file);
    if (!store) {
      store = new SavedRequestStore(file, path.relative(baseDir, file).split(path.sep).join('/'));
      SavedRequestStore.open.set(file, store);
    }
    return store;
  }

  async list(): Promise<SavedRequest[]> {
    return (await this.read()).map(toAnswer);
  }

  create(input: SavedRequestInput, tokenValues: readonly string[]): Promise<SavedRequest> {
    refuseTokenValues(input, tokenValues);
    return this.change((requests) => {
      this.refuseTakenName(requests, input.name);
      if (requests.length >= SAVED_REQUESTS_MAX) {
        throw new HttpError(
          'VALIDATION_ERROR',
          `A workspace keeps at most ${SAVED_REQUESTS_MAX} saved requests`,
        );
      }
      const now = new Date().toISOString();
      const saved = { id: newId(requests), ...fieldsOf(input), created: now, updated: now };
      requests.push(saved);
      return saved;
    });
  }

  /** Replaces a saved request's fields (an `expect` left out is removed); id and created stay. */
  update(id: string, input: SavedRequestInput, tokenValues: readonly string[]): Promise<SavedRequest> {
    refuseTokenValues(input, tokenValues);
    return this.change((requests) => {
      const index = this.indexOf(requests, id);
      this.refuseTakenName(requests, input.name, id);
      const saved = { ...requests[index]!, ...fieldsOf(input), updated: new Date().toISOString() };
      if (input.expect === undefined) delete saved.expect;
      requests[index] = saved;
      return saved;
    });
  }

  delete(id: string): Promise<SavedRequest> {
    return this.change((requests) => requests.splice(this.indexOf(requests, id), 1)[0]!);
  }

  private indexOf(requests: StoredRequest[], id: string): number {
    const index = requests.findIndex((request) => request.id === id);
    if (index < 0) throw new HttpError('REQUEST_NOT_FOUND', `No saved request with the id ${id}`);
    return index;
  }

  private refuseTakenName(requests: StoredRequest[], name: string, except?: string): void {
    const taken = requests.find((request) => request.id !== except && sameName(request.name, name));
    if (taken) {
      throw new HttpError('REQUEST_NAME_TAKEN', `There is already a saved request named "${taken.name}"`);
    }
  }

  private change(edit: (requests: StoredRequest[]) => StoredRequest): Promise<SavedRequest> {
    const next = this.writing.then(async () => {
      const requests = await this.read();
      const changed = edit(requests);
      const file: z.infer<typeof fileSchema> = { version: 1, requests };
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, `${JSON.stringify(file, null, 2)}\n`);
      return toAnswer(changed);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<StoredRequest[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.invalid(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.invalid('is not valid JSON');
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw this.invalid(`is not valid: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    }
    return result.data.requests;
  }

  private invalid(problem: string): HttpError {
    return new HttpError(
      'REQUESTS_FILE_INVALID',
      `The saved requests file ${this.shown} ${problem}; fix or remove it (nothing was changed)`,
    );
  }
}

type StoredRequest = z.infer<typeof savedRequest>;

function fieldsOf({ name, endpoint, body, tokenKind, expect }: SavedRequestInput) {
  return {
    name: name.trim(),
    endpoint,
    body: (body ?? {}) as StoredRequest['body'],
    tokenKind,
    ...(expect === undefined ? {} : { expect: expect as StoredRequest['expect'] }),
  };
}

/** The fields in a stable order, `expect` only when set. */
function toAnswer({
  id,
  name,
  endpoint,
  body,
  tokenKind,
  expect,
  created,
  updated,
}: StoredRequest): SavedRequest {
  return {
    id,
    name,
    endpoint,
    body,
    tokenKind,
    ...(expect === undefined ? {} : { expect }),
    created,
    updated,
  };
}

function newId(requests: StoredRequest[]): string {
  for (;;) {
    const id = randomBytes(6).toString('hex');
    if (!requests.some((request) => request.id === id)) return id;
  }
}

/**
 * A token value pasted into a name, a body or an expected answer would be saved in the clear,
 * in a file that may be committed: any string (key or value) equal to one of the runtime's
 * tokens, or holding one of 12 characters or more, is refused, saying where (never the value).
 */
function refuseTokenValues(input: SavedRequestInput, tokenValues: readonly string[]): void {
  const holds = (text: string) =>
    tokenValues.some((token) => text === token || (token.length >= 12 && text.includes(token)));
  const found = (value: unknown, at: string): string | undefined => {
    if (typeof value === 'string') return holds(value) ? at : undefined;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) {
        const where = found(item, `${at}.${index}`);
        if (where) return where;
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const where = holds(key) ? `${at} (a key)` : found(item, `${at}.${key}`);
        if (where) return where;
      }
    }
    return undefined;
  };
  const where = found(input.name, 'name') ?? found(input.body, 'body') ?? found(input.expect, 'expect');
  if (where) {
    throw new HttpError(
      'VALIDATION_ERROR',
      'A saved request keeps which kind of token it is sent with, never a token value',
      [{ path: where, message: 'holds a token value' }],
    );
  }
}
