// The `redis` config key: from the file or API_DEPLOY_REDIS_URL (which wins), checked at start.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfigSource } from '../../src/server/config/load.js';
import { makeWorkspace } from '../helpers/server.js';

describe('redis in the config', () => {
  let dir: string;
  const load = (env: NodeJS.ProcessEnv) =>
    loadConfig(resolveConfigSource({ config: path.join(dir, 'api-deploy.config.json') }, env));

  beforeAll(async () => {
    dir = await makeWorkspace({}, { redis: { url: 'redis://redis:6379' } });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is read from the file, with the default key prefix', () => {
    expect(load({}).redis).toEqual({ url: 'redis://redis:6379', prefix: 'api-deploy:' });
  });

  it('API_DEPLOY_REDIS_URL wins over the file', () => {
    expect(load({ API_DEPLOY_REDIS_URL: 'rediss://:secret@cache.internal:6380/2' }).redis).toEqual({
      url: 'rediss://:secret@cache.internal:6380/2',
      prefix: 'api-deploy:',
    });
  });

  it('a URL that is not redis:// or rediss:// stops start-up naming the key', () => {
    expect(() => load({ API_DEPLOY_REDIS_URL: 'http://redis:6379' })).toThrow(ConfigError);
    expect(() => load({ API_DEPLOY_REDIS_URL: 'http://redis:6379' })).toThrow(
      /"redis\.url": expected a redis:\/\//,
    );
  });

  it('an unknown key inside redis is named, with a suggestion', async () => {
    const typo = await makeWorkspace({}, { redis: { url: 'redis://redis:6379', prefx: 'a:' } });
    try {
      const source = resolveConfigSource({ config: path.join(typo, 'api-deploy.config.json') }, {});
      expect(() => loadConfig(source)).toThrow('"redis.prefx": unknown key (did you mean "prefix"?)');
    } finally {
      await rm(typo, { recursive: true, force: true });
    }
  });
});
