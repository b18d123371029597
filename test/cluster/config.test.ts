// The `cluster` config key and --processes: how many runtime processes share the port.
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigSource } from '../../src/server/config/load.js';
import { processCountOf } from '../../src/server/config/schema.js';
import { logFileOfProcess } from '../../src/server/logs/rolling-file.js';
import { makeWorkspace } from '../helpers/server.js';

describe('cluster in the config', () => {
  const dirs: string[] = [];
  const load = async (config: Record<string, unknown>, flags: { processes?: string } = {}, env = {}) => {
    const dir = await makeWorkspace({}, config);
    dirs.push(dir);
    return loadConfig(
      resolveConfigSource({ config: path.join(dir, 'api-deploy.config.json'), ...flags }, env),
    );
  };
  let plain: string;
  beforeAll(async () => {
    plain = await makeWorkspace({});
  });
  afterAll(() => Promise.all([plain, ...dirs].map((dir) => rm(dir, { recursive: true, force: true }))));

  it('is one process without the key, as before', async () => {
    const config = await load({});
    expect(config.cluster).toBeUndefined();
    expect(processCountOf(config)).toBe(1);
  });

  it('takes a number, or "auto" for one process per CPU core', async () => {
    expect(processCountOf(await load({ cluster: { processes: 3 } }))).toBe(3);
    expect(processCountOf(await load({ cluster: { processes: 'auto' } }))).toBe(availableParallelism());
    expect(processCountOf(await load({ cluster: {} }))).toBe(1);
  });

  it('--processes wins over API_DEPLOY_PROCESSES, which wins over the file', async () => {
    const file = { cluster: { processes: 2 } };
    expect(processCountOf(await load(file, {}, { API_DEPLOY_PROCESSES: '4' }))).toBe(4);
    expect(processCountOf(await load(file, { processes: '3' }, { API_DEPLOY_PROCESSES: '4' }))).toBe(3);
    expect((await load(file, { processes: 'auto' })).cluster).toEqual({ processes: 'auto' });
  });

  it('a bad value stops start-up naming the key', async () => {
    await expect(load({ cluster: { processes: 0 } })).rejects.toThrow(
      /"cluster\.processes": expected a whole number from 1 to 64, or "auto"/,
    );
    await expect(load({ cluster: { procesess: 2 } })).rejects.toThrow(
      '"cluster.procesess": unknown key (did you mean "processes"?)',
    );
    await expect(load({}, { processes: 'many' })).rejects.toThrow(
      '"cluster.processes": expected a whole number or "auto", got "many" (from --processes or API_DEPLOY_PROCESSES)',
    );
  });
});

describe('the log file of each process', () => {
  it('is the configured one for process 1, and named after its number for the others', () => {
    expect(logFileOfProcess('/w/logs/api_{date}.log', 1)).toBe('/w/logs/api_{date}.log');
    expect(logFileOfProcess('/w/logs/api_{date}.log', 2)).toBe('/w/logs/api_{date}.p2.log');
    expect(logFileOfProcess('/w/logs/server', 3)).toBe('/w/logs/server.p3');
  });
});
