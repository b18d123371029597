import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, resolveConfigSource } from '../../src/server/config/load.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/server/index.js';

export const BUSINESS = 'test-business-token';
export const ADMIN = 'test-admin-token';

export interface TestServer {
  url: string;
  dir: string;
  runtime: Runtime;
  /** POSTs a JSON value (or a raw string) and returns status, headers and the parsed answer. */
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** Any method; a body that is not a string is sent as JSON. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Writes a file below the server's folder (e.g. `apis/x.ts`). */
  write(relative: string, content: string): Promise<void>;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  json: any;
  text: string;
}

/** A temporary workspace: a config file, an apis/ folder with the given files, nothing else. */
export async function makeWorkspace(
  files: Record<string, string>,
  config: Record<string, unknown> = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-test-'));
  const fullConfig = {
    host: '127.0.0.1',
    port: 0,
    validTokens: [BUSINESS],
    adminTokens: [{ token: ADMIN, label: 'test admin' }],
    // Tests reload explicitly unless they test the watcher.
    hotReload: false,
    ...config,
  };
  await writeFile(path.join(dir, 'api-deploy.config.json'), JSON.stringify(fullConfig, null, 2));
  await mkdir(path.join(dir, 'apis'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** Starts a real runtime on an ephemeral port of 127.0.0.1 over a temporary workspace. */
export async function startServer(
  files: Record<string, string>,
  config: Record<string, unknown> = {},
  options: Omit<RuntimeOptions, 'config' | 'source'> = {},
): Promise<TestServer> {
  const dir = await makeWorkspace(files, config);
  const source = resolveConfigSource({ config: path.join(dir, 'api-deploy.config.json') }, {});
  const runtime = createRuntime({ config: loadConfig(source), source, ...options });
  const url = await runtime.start();
  const call = async (
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };
  return {
    url,
    dir,
    runtime,
    post: (route, body, headers) => call('POST', route, body, headers),
    get: (route, headers) => call('GET', route, undefined, headers),
    request: call,
    write: async (relative, content) => {
      await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
      await writeFile(path.join(dir, relative), content);
    },
    stop: async () => {
      await runtime.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
