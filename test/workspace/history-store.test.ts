import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReloadResult } from '../../src/shared/contract.js';
import { HistoryStore, reloadOutcome } from '../../src/server/workspace/history.js';
import type { Logger } from '../../src/server/logs/logger.js';

let root: string;
const limits = { maxVersions: 10, maxBytes: 10_000 };
const warnings: unknown[] = [];
const logger = { warn: (fields: unknown) => warnings.push(fields), info: () => {} } as unknown as Logger;
const store = () => new HistoryStore({ root, limits: () => limits, logger });

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'api-deploy-history-'));
  warnings.length = 0;
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('HistoryStore', () => {
  it('keeps versions across instances, newest first, and a text equal to the newest once', async () => {
    const history = store();
    const a = await history.record('shop.ts', 'a', 'panel');
    const b = await history.record('shop.ts', 'b', 'api');
    expect(await history.record('shop.ts', 'b', 'disk')).toBeUndefined();
    const reopened = store();
    expect((await reopened.list('shop.ts')).map((version) => version.id)).toEqual([b!.id, a!.id]);
    expect((await reopened.read('shop.ts', a!.id)).content).toBe('a');
    expect(await reopened.files()).toEqual([{ path: 'shop.ts', versions: 2, latest: b!.time }]);
  });

  it('skips a version file that does not read, with one warning, and never throws', async () => {
    const history = store();
    await history.record('shop.ts', 'a', 'panel');
    await history.record('shop.ts', 'b', 'panel');
    const [folder] = await readdir(root);
    const dir = path.join(root, folder!);
    const [first] = (await readdir(dir)).filter((name) => /^\d+\.json$/.test(name)).sort();
    await writeFile(path.join(dir, first!), '{not json');
    await writeFile(
      path.join(dir, '1700000000000.json'),
      JSON.stringify({ id: '1700000000000', source: 'x' }),
    );
    const reopened = store();
    expect((await reopened.list('shop.ts')).map((version) => version.source)).toEqual(['panel']);
    expect(await reopened.list('shop.ts')).toHaveLength(1);
    expect(warnings).toHaveLength(2);
  });

  it('leaves out a folder whose file.json does not read', async () => {
    const history = store();
    await history.record('shop.ts', 'a', 'panel');
    const [folder] = await readdir(root);
    await writeFile(path.join(root, folder!, 'file.json'), '[]');
    expect(await store().files()).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('does not keep a disk version of a text the API is writing', async () => {
    const history = store();
    const release = history.expect('shop.ts', 'new');
    expect(await history.record('shop.ts', 'new', 'disk')).toBeUndefined();
    expect(await history.record('shop.ts', 'new', 'api')).toMatchObject({ source: 'api' });
    release();
    expect(await history.record('shop.ts', 'other', 'disk')).toMatchObject({ source: 'disk' });
  });

  it('does not keep a text larger than the byte bound', async () => {
    const history = new HistoryStore({ root, limits: () => ({ maxVersions: 5, maxBytes: 3 }), logger });
    expect(await history.record('big.ts', 'four', 'api')).toBeUndefined();
    expect(await history.list('big.ts')).toEqual([]);
  });

  it('gives ids in order even for saves in the same millisecond', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    try {
      const history = store();
      const ids = [];
      for (const text of ['1', '2', '3']) ids.push((await history.record('x.ts', text, 'api'))!.id);
      expect(ids).toEqual(['1800000000000', '1800000000001', '1800000000002']);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("summarises a reload for one file: its module's load error", () => {
    const result: ReloadResult = {
      message: '',
      generation: 4,
      modules: 1,
      endpoints: 1,
      failed: [{ module: 'shop', file: 'shop.ts', message: 'Expected "}"' }],
      durationMs: 1,
    };
    expect(reloadOutcome('shop.ts', result)).toEqual({ ok: false, generation: 4, error: 'Expected "}"' });
    expect(reloadOutcome('other.ts', result)).toEqual({ ok: true, generation: 4 });
  });
});
