/**
 * The editor's view of the APIs folder: the tree as a list to render, file names a user may
 * create, what language a file is, where its Monaco model lives, and the helpers a module imports.
 * Plain functions, no React and no Monaco, so they are tested on their own.
 */
import type { FileEntry } from '../../../shared/admin-api.js';
import { RESERVED_MODULE_NAMES } from '../../../shared/contract.js';
import { encodePath } from '../links.js';

/** Files the admin API may write (the server's `WRITABLE_EXTENSIONS`). */
export const WRITABLE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.json'];
/** First path segments that would shadow the runtime's own routes (the server's list). */
const RESERVED_FIRST_SEGMENTS = new Set(RESERVED_MODULE_NAMES);
/** Folders the server hides from the API. */
const HIDDEN_SEGMENTS = new Set(['node_modules', '.git', '.api-deploy-out']);
/** A module path segment the server can serve as a URL segment; `_` starts a helper. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** One row of the file tree as the editor shows it. */
export interface TreeRow {
  path: string;
  name: string;
  depth: number;
  type: 'file' | 'dir';
  /** The module a served file is (`billing/invoice`); none for helpers and other files. */
  module?: string;
  /** A helper (`_` or `.` name, or inside such a folder): importable, never an endpoint. */
  helper: boolean;
}

export function treeRows(entries: readonly FileEntry[], depth = 0, helperParent = false): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const entry of entries) {
    const name = entry.path.split('/').pop() ?? entry.path;
    const helper = helperParent || isHelperName(name);
    if (entry.type === 'dir') {
      rows.push({ path: entry.path, name, depth, type: 'dir', helper });
      rows.push(...treeRows(entry.children, depth + 1, helper));
    } else {
      rows.push({ path: entry.path, name, depth, type: 'file', module: entry.module, helper });
    }
  }
  return rows;
}

/** Every file of the tree with its modification time. */
export function fileTimes(entries: readonly FileEntry[]): Map<string, string> {
  const times = new Map<string, string>();
  const walk = (list: readonly FileEntry[]) => {
    for (const entry of list) {
      if (entry.type === 'dir') walk(entry.children);
      else times.set(entry.path, entry.modified);
    }
  };
  walk(entries);
  return times;
}

export const isHelperName = (name: string) => name.startsWith('_') || name.startsWith('.');
export const isHelperPath = (path: string) => path.split('/').some(isHelperName);

export const extensionOf = (path: string) => {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
};

export const isWritable = (path: string) => WRITABLE_EXTENSIONS.includes(extensionOf(path));

/** The module a path serves (`shop.ts` → `shop`), or undefined for a helper or another file. */
export function moduleNameOf(path: string): string | undefined {
  const extension = extensionOf(path);
  if (isHelperPath(path) || path.endsWith('.d.ts') || !['.ts', '.mts', '.js', '.mjs'].includes(extension)) {
    return undefined;
  }
  return path.slice(0, -extension.length);
}

export type Language = 'typescript' | 'javascript' | 'json' | 'plaintext';

export function languageOf(path: string): Language {
  switch (extensionOf(path)) {
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.js':
    case '.mjs':
    case '.cjs':
      return 'javascript';
    case '.json':
      return 'json';
    default:
      return 'plaintext';
  }
}

/** Where a file's Monaco model lives: below `/apis/`, so `zod` resolves from `/node_modules/`. */
export const MODEL_ROOT = 'file:///apis/';

export function modelUri(path: string): string {
  return MODEL_ROOT + path.split('/').map(encodeURIComponent).join('/');
}

/** The admin API's URL path of a file. */
export function fileUrl(path: string): string {
  return `/api/files/${encodePath(path)}`;
}

export type NameCheck = { ok: true; path: string } | { ok: false; error: string };

/**
 * Checks a file name typed by the user, relative to the APIs folder (`shop.ts`,
 * `billing/invoice.ts`, `_money.ts`). A name without an extension gets `defaultExtension`.
 * Refuses what the server would refuse (`..`, absolute paths, backslashes, other extensions)
 * and what it would not serve as a module (names that are not URL segments, reserved names).
 */
export function checkFileName(
  input: string,
  {
    existing = new Set<string>(),
    extensions = ['.ts'],
    defaultExtension = '.ts',
  }: { existing?: ReadonlySet<string>; extensions?: readonly string[]; defaultExtension?: string } = {},
): NameCheck {
  const name = input.trim();
  if (name === '') return { ok: false, error: 'Give the file a name, e.g. shop.ts' };
  if (name.includes('\\')) return { ok: false, error: 'Use "/" to separate folders, not "\\"' };
  if (name.startsWith('/'))
    return { ok: false, error: 'The name is relative to the APIs folder: no leading "/"' };
  const segments = name.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return { ok: false, error: 'The name may not contain "." or ".." folders' };
  }
  if (segments.some((segment) => segment === '')) {
    return { ok: false, error: 'The name has an empty folder (a double or trailing "/")' };
  }
  let last = segments.pop()!;
  if (extensionOf(last) === '') last += defaultExtension;
  const extension = extensionOf(last);
  if (!extensions.includes(extension) || last.endsWith('.d.ts')) {
    return { ok: false, error: `Use a ${extensions.join(', ')} file name` };
  }
  for (const segment of [...segments, last.slice(0, -extension.length)]) {
    if (HIDDEN_SEGMENTS.has(segment))
      return { ok: false, error: `"${segment}" is not part of the API files` };
    if (!SEGMENT.test(segment)) {
      return {
        ok: false,
        error: `"${segment}" cannot be part of an endpoint's URL: use letters, digits, "_" and "-", starting with a letter, digit or "_"`,
      };
    }
  }
  const path = [...segments, last].join('/');
  const first = path.split('/')[0]!.replace(/\.[^.]*$/, '');
  if (RESERVED_FIRST_SEGMENTS.has(first)) {
    return { ok: false, error: `"${first}" is reserved for the runtime's own routes` };
  }
  if (existing.has(path)) return { ok: false, error: `${path} already exists` };
  return { ok: true, path };
}

/** The relative import specifiers of a source text (`./_money`, `../shared/util.js`). */
export function relativeImports(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.add(match[1]!);
  }
  return [...found];
}

/**
 * The file of the APIs folder a relative import of `from` means, as esbuild and TypeScript
 * resolve it (`./_money` → `_money.ts`, `./x.js` → `x.ts`, `./lib` → `lib/index.ts`), or
 * undefined when none of `files` is it.
 */
export function resolveImport(
  from: string,
  specifier: string,
  files: ReadonlySet<string>,
): string | undefined {
  const parts = from.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '.' || segment === '') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  const base = parts.join('/');
  const withoutJs = base.replace(/\.(m?)js$/, '.$1ts');
  const candidates = [
    base,
    withoutJs,
    ...['.ts', '.mts', '.js', '.mjs', '.json'].map((extension) => base + extension),
    ...['index.ts', 'index.mts', 'index.js', 'index.mjs'].map((index) => `${base}/${index}`),
  ];
  return candidates.find((candidate) => files.has(candidate));
}
