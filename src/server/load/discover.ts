import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { RESERVED_MODULE_NAMES as RESERVED_NAMES } from '../../shared/contract.js';

export interface ModuleFile {
  /** The module's name in URLs: the path below the APIs folder without extension (`billing/invoice`). */
  module: string;
  /** Absolute path of the file. */
  file: string;
  /** Path relative to the APIs folder, with forward slashes; what errors and the registry show. */
  relativeFile: string;
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
/** First path segments that would shadow the runtime's own routes. */
export const RESERVED_MODULE_NAMES: ReadonlySet<string> = new Set(RESERVED_NAMES);
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A path below the APIs folder as errors and the registry show it: relative, forward slashes. */
export const relativeTo = (apisDir: string, file: string) =>
  path.relative(apisDir, file).split(path.sep).join('/');

/** Files and folders starting with `_` or `.` are helpers: importable, never modules. */
export const isHelperName = (name: string) => name.startsWith('_') || name.startsWith('.');

export function isModuleFileName(name: string): boolean {
  if (isHelperName(name) || name.endsWith('.d.ts')) return false;
  return MODULE_EXTENSIONS.includes(path.extname(name));
}

/** Lists the module files below `apisDir`, sorted by module name. A missing folder has none. */
export async function discoverModules(apisDir: string): Promise<ModuleFile[]> {
  const found: ModuleFile[] = [];
  async function walk(dir: string, segments: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (isHelperName(entry.name) || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full, [...segments, entry.name]);
      } else if (entry.isFile() && isModuleFileName(entry.name)) {
        const base = entry.name.slice(0, -path.extname(entry.name).length);
        found.push({
          module: [...segments, base].join('/'),
          file: full,
          relativeFile: [...segments, entry.name].join('/'),
        });
      }
    }
  }
  await walk(apisDir, []);
  return found.sort((a, b) => a.module.localeCompare(b.module) || a.file.localeCompare(b.file));
}

/** Why a module's name cannot be served, or undefined when it can. */
export function moduleNameProblem(module: string): string | undefined {
  const segments = module.split('/');
  const bad = segments.find((segment) => !SEGMENT.test(segment));
  if (bad !== undefined) {
    return `"${bad}" cannot be part of a URL path: use letters, digits, "_" and "-", starting with a letter or digit`;
  }
  if (RESERVED_MODULE_NAMES.has(segments[0]!)) {
    return `the name "${segments[0]}" is reserved for the runtime's own routes; rename the file or folder`;
  }
  return undefined;
}
