import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_CHANNELS } from '../../src/shared/bridge.js';

/**
 * What `electron-vite build` (run by test/global-setup.ts, as `npm run build` does) writes for
 * the desktop app: the main process as ESM out/main/index.js (package.json's "main"), and the
 * preload as CommonJS out/preload/index.cjs, since a sandboxed window loads no ES module preload.
 */
const OUT = path.resolve('out');
const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

/** Every module specifier a bundle imports, statically or dynamically. */
function importsOf(code: string): string[] {
  const found = new Set<string>();
  for (const pattern of [
    /^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ]) {
    for (const match of code.matchAll(pattern)) found.add(match[1]!);
  }
  return [...found];
}

describe('the main process bundle', () => {
  it('is out/main/index.js, package.json\'s "main", an ES module', async () => {
    expect(path.resolve(packageJson.main)).toBe(path.join(OUT, 'main', 'index.js'));
    const code = await readFile(path.join(OUT, 'main', 'index.js'), 'utf8');
    expect(code).toMatch(/^import .* from "electron";$/m);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain('module.exports');
  });

  it('imports only electron, Node.js built-ins and the production dependencies (which ship with the app)', async () => {
    const files = (await readdir(path.join(OUT, 'main'))).filter((file) => file.endsWith('.js'));
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const dependencies = Object.keys(packageJson.dependencies);
    const external = new Set<string>();
    for (const file of files) {
      for (const specifier of importsOf(await readFile(path.join(OUT, 'main', file), 'utf8'))) {
        if (specifier.startsWith('./'))
          expect(files, `${file} imports ${specifier}`).toContain(specifier.slice(2));
        else external.add(specifier);
      }
    }
    for (const specifier of external) {
      const ok =
        specifier === 'electron' ||
        builtins.has(specifier) ||
        dependencies.some((name) => specifier === name || specifier.startsWith(`${name}/`));
      expect(ok, specifier).toBe(true);
    }
    // The runtime's own packages stay external (loaded from node_modules), not bundled in.
    expect([...external]).toEqual(
      expect.arrayContaining(['electron', 'electron-log/main', 'express', 'esbuild', 'zod']),
    );
  });
});

describe('the preload bundle', () => {
  it('is CommonJS, out/preload/index.cjs, requiring electron and nothing else', async () => {
    const code = await readFile(path.join(OUT, 'preload', 'index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/\bimport\(/);
    expect(code).not.toContain('import.meta');
    expect([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])).toEqual([
      'electron',
    ]);
  });

  it('exposes window.apiDeploy: each method an invoke on its channel, the version from the command line', async () => {
    const code = await readFile(path.join(OUT, 'preload', 'index.cjs'), 'utf8');
    const exposed: Record<string, Record<string, unknown>> = {};
    const invoke = vi.fn(async (..._args: unknown[]) => 'answer');
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api),
      },
      ipcRenderer: { invoke },
    };
    const sandboxRequire = (id: string) => {
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    };
    const process = { argv: ['/opt/API Deploy/api-deploy', '--type=renderer', '--api-deploy-version=1.2.3'] };
    const module = { exports: {} };
    new Function('require', 'process', 'module', 'exports', code)(
      sandboxRequire,
      process,
      module,
      module.exports,
    );

    const bridge = exposed.apiDeploy!;
    expect(Object.keys(bridge).sort()).toEqual(['appVersion', 'chooseWorkspace', 'getSession', 'openFolder']);
    expect(bridge.appVersion).toBe('1.2.3');
    await (bridge.getSession as () => Promise<unknown>)();
    await (bridge.chooseWorkspace as () => Promise<unknown>)();
    await (bridge.openFolder as (which: string) => Promise<unknown>)('logs');
    expect(invoke.mock.calls).toEqual([
      [BRIDGE_CHANNELS.getSession],
      [BRIDGE_CHANNELS.chooseWorkspace],
      [BRIDGE_CHANNELS.openFolder, 'logs'],
    ]);
  });
});
