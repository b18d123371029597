/**
 * What the editor's TypeScript knows about an API module's world: the compiler options, the
 * declarations of `api-deploy` and `zod` (as `file:///node_modules/...` extra libs, where module
 * resolution finds them), and just enough of Node's globals. No Monaco here: the same values
 * are checked against the real TypeScript in test/renderer/editor-typings.test.tsx.
 */

/** TypeScript's enum values (Monaco's typings of them stop at ES2020 and Node10). */
const ScriptTarget = { ES2022: 9 } as const;
const ModuleKind = { ESNext: 99 } as const;
const ModuleResolution = { Bundler: 100 } as const;

/** As the runtime compiles modules: ES modules, strict, resolved like a bundler (esbuild). */
export const COMPILER_OPTIONS = {
  target: ScriptTarget.ES2022,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolution.Bundler,
  strict: true,
  noEmit: true,
  esModuleInterop: true,
  isolatedModules: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  allowNonTsExtensions: true,
};

/**
 * TypeScript errors the editor does not show, because the server's check decides them: a module
 * it cannot find (an installed npm package or a Node built-in has no typings here; a missing
 * file is the server's "Could not resolve") and Node globals without `@types/node`.
 */
export const IGNORED_DIAGNOSTICS = [2307, 2792, 2580, 2591, 2592];

/** Where `import ... from 'api-deploy'` finds its declaration. */
export const API_DEPLOY_LIB = 'file:///node_modules/api-deploy/index.d.ts';

/**
 * Node's globals and built-ins, loosely: `@types/node` is megabytes, and an API module mostly
 * needs `process.env` and to import `node:*` without the editor underlining it.
 */
export const NODE_LIB = {
  filePath: 'file:///node_modules/@types/api-deploy-node/index.d.ts',
  content: `declare module 'node:*';
declare var process: {
  env: Record<string, string | undefined>;
  argv: string[];
  cwd(): string;
  [key: string]: any;
};
`,
};

export interface ExtraLib {
  filePath: string;
  content: string;
}

/** `node_modules/zod/...d.ts` (a path as Vite's glob names it) → its `file:///node_modules/` lib. */
export function libPathOf(globKey: string): string {
  const at = globKey.lastIndexOf('node_modules/');
  if (at < 0) throw new Error(`Not a node_modules path: ${globKey}`);
  return `file:///${globKey.slice(at)}`;
}

/**
 * The declarations of zod that `import { z } from 'zod'` reaches (its classic API, core and
 * locales; not zod/v3 or zod/mini), in their own chunk, loaded after the editor is up.
 * No package.json: TypeScript then takes `index.d.ts`, the ESM declarations.
 */
export async function loadZodLibs(): Promise<ExtraLib[]> {
  const { ZOD_DECLARATIONS } = await import('./zod-typings.js');
  return Object.entries(ZOD_DECLARATIONS).map(([key, content]) => ({ filePath: libPathOf(key), content }));
}
