/**
 * electron-builder.yml, checked offline (`npm run dist` downloads Electron and its packaging
 * tools, so it cannot run here): electron-builder's own schema validation and file matching,
 * applied to the real files of the project and of out/ (built by the global setup).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  extraResources: FileSet[];
  linux: { target: string[]; category: string; icon: string; maintainer?: string; executableName: string };
  mac: { target: string; category: string; icon: string };
  win: { target: string; icon: string };
  nsis: { oneClick: boolean; allowToChangeInstallationDirectory: boolean };
  extraMetadata?: { homepage?: string };
}
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
interface AppBuilderLib {
  config: {
    doMergeConfigs(configs: unknown[]): unknown;
    validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  fileMatcher: {
    FileMatcher: new (
      from: string,
      to: string,
      expand: (s: string) => string,
      patterns: string[],
    ) => {
      createFilter(): Filter;
    };
  };
}

const root = path.resolve('.');
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; homepage?: string };

// electron-builder's internals (app-builder-lib, its dependency): the schema check `npm run
// dist` runs first, and the matcher that decides which files are packaged or unpacked.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const lib: AppBuilderLib = {
  config: builderRequire('app-builder-lib/out/util/config/config.js'),
  fileMatcher: builderRequire('app-builder-lib/out/fileMatcher.js'),
};

/** electron-builder's filter for these patterns, as a test of relative paths of files. */
function matcher(patterns: string[]): (file: string) => boolean {
  const filter = new lib.fileMatcher.FileMatcher(root, root, (s) => s, patterns).createFilter();
  return (file) => filter(path.join(root, file), { isDirectory: () => false });
}

/** Every file below `dir` (relative to the project, `/`-separated). */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((entry) => walk(path.posix.join(dir, entry)));
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own schema", async () => {
    const merged = lib.config.doMergeConfigs([structuredClone(config)]);
    await expect(
      lib.config.validateConfiguration(merged, { isEnabled: false, add() {} }),
    ).resolves.toBeUndefined();
    // and the check is real: a misspelt option is refused
    const misspelt = lib.config.doMergeConfigs([{ ...structuredClone(config), nsis: { oneClik: false } }]);
    await expect(lib.config.validateConfiguration(misspelt, { isEnabled: false, add() {} })).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('names the app and packages AppImage and deb, dmg, and an NSIS installer that asks where to install', () => {
    expect(config.appId).toBe('dev.apideploy.app');
    expect(config.productName).toBe('API Deploy');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'resources' });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development' });
    expect(config.mac).toMatchObject({ target: 'dmg', category: 'public.app-category.developer-tools' });
    expect(config.win.target).toBe('nsis');
    expect(config.nsis).toMatchObject({ oneClick: false, allowToChangeInstallationDirectory: true });
  });

  it("names a maintainer, and a project URL or the README's step to set one, as the deb target needs", () => {
    // FpmTarget.computeFpmMetaInfoOptions refuses a .deb without package.json's "homepage" (or a
    // GitHub remote) and a maintainer. The project has no public page yet: the README says to set it.
    const homepage = packageJson.homepage ?? config.extraMetadata?.homepage;
    if (homepage) expect(homepage).toMatch(/^https?:\/\//);
    else expect(readFileSync('README.md', 'utf8')).toMatch(/set `homepage`[^.]*in `package\.json`/);
    expect(config.linux.maintainer).toBeTruthy();
  });

  it("packages out/ and package.json, with package.json's main, and no sources, tests or source maps", () => {
    const packaged = matcher(config.files);
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      const literal = pattern.split(/[*{]/)[0]!;
      const base = literal === pattern ? pattern : literal.slice(0, literal.lastIndexOf('/'));
      expect(walk(base).filter(packaged), `files: ${pattern} matches nothing`).not.toEqual([]);
    }
    expect(packaged(packageJson.main)).toBe(true);
    expect(packageJson.main).toBe('out/main/index.js');
    // Once the main process has its entry, the global setup's build must have produced its bundle.
    if (existsSync('src/main/index.ts')) expect(existsSync(packageJson.main)).toBe(true);
    for (const file of [
      'package.json',
      'out/server/cli.js',
      'out/server/worker.js',
      'out/renderer/index.html',
    ]) {
      expect(packaged(file), file).toBe(true);
    }
    for (const file of [
      'src/server/index.ts',
      'test/cli/start.test.ts',
      'out/server/cli.js.map',
      'README.md',
      'apis/template.ts',
    ]) {
      expect(packaged(file), file).toBe(false);
    }
  });

  it("keeps TypeScript's library, which the runtime imports, while leaving out its compiler", () => {
    // electron-builder filters node_modules with the exclusions of `files` (getNodeModuleFileMatcher).
    const kept = matcher(['**/*', ...config.files.filter((p) => p.startsWith('!'))]);
    const typescriptMain = 'node_modules/typescript/lib/typescript.js';
    expect(existsSync(typescriptMain)).toBe(true);
    expect(kept(typescriptMain)).toBe(true);
    expect(kept('node_modules/typescript/package.json')).toBe(true);
    expect(kept('node_modules/typescript/lib/_tsc.js')).toBe(false);
    expect(kept('node_modules/typescript/lib/de/diagnosticMessages.generated.json')).toBe(false);
    expect(kept('node_modules/zod/index.js')).toBe(true);
  });

  it('unpacks from app.asar the worker threads file, esbuild with its native binary and npm, nothing else of out/', () => {
    expect(config.asar).toBe(true);
    const unpacked = matcher(config.asarUnpack);
    const esbuildBinaries = walk('node_modules/@esbuild').filter((file) =>
      /\/bin\/esbuild(\.exe)?$/.test(file),
    );
    expect(esbuildBinaries).not.toEqual([]);
    for (const file of [
      'out/server/worker.js',
      'node_modules/esbuild/lib/main.js',
      'node_modules/esbuild/package.json',
      'node_modules/npm/bin/npm-cli.js',
      ...esbuildBinaries,
    ]) {
      expect(existsSync(file), file).toBe(true);
      expect(unpacked(file), file).toBe(true);
    }
    for (const file of [
      'out/server/cli.js',
      'out/renderer/index.html',
      packageJson.main,
      'node_modules/zod/index.js',
    ]) {
      expect(unpacked(file), file).toBe(false);
    }
  });

  it('ships apis/template.ts and the config as the workspace template under resources/template', () => {
    expect(config.extraResources).toEqual([
      { from: 'apis/template.ts', to: 'template/apis/template.ts' },
      { from: 'api-deploy.config.json', to: 'template/api-deploy.config.json' },
    ]);
    for (const { from } of config.extraResources) expect(existsSync(from), from).toBe(true);
    // The template's config is valid JSON pointing at the template's apis/.
    expect(JSON.parse(readFileSync('api-deploy.config.json', 'utf8'))).toMatchObject({ apisDir: 'apis' });
  });

  it('has its icons: a 1024 px PNG for macOS and Windows, and the Linux sizes', () => {
    const pngSize = (file: string) => {
      const bytes = readFileSync(file);
      expect(bytes.subarray(1, 4).toString('ascii'), file).toBe('PNG');
      return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    };
    expect(pngSize(config.mac.icon)).toEqual([1024, 1024]);
    expect(pngSize(config.win.icon)).toEqual([1024, 1024]);
    const linuxIcons = readdirSync(config.linux.icon);
    expect(linuxIcons).toEqual(
      expect.arrayContaining(['16x16.png', '32x32.png', '256x256.png', '512x512.png']),
    );
    for (const name of linuxIcons) {
      const size = Number(/^(\d+)x\1\.png$/.exec(name)?.[1]);
      expect(pngSize(path.join(config.linux.icon, name)), name).toEqual([size, size]);
    }
    expect(existsSync('resources/icon.svg')).toBe(true);
  });
});
