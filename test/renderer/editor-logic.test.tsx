import { describe, expect, it } from 'vitest';
import type { Diagnostic, FileEntry } from '../../src/shared/admin-api.js';
import {
  MARKER_OWNER,
  markersFor,
  problemsOf,
  Severity,
  type ReportedMarker,
} from '../../src/renderer/src/editor/diagnostics.js';
import {
  checkFileName,
  fileTimes,
  fileUrl,
  languageOf,
  modelUri,
  moduleNameOf,
  relativeImports,
  resolveImport,
  treeRows,
  WRITABLE_EXTENSIONS,
} from '../../src/renderer/src/editor/files.js';
import { newFileText } from '../../src/renderer/src/editor/template.js';

const file = (path: string, module?: string): FileEntry => ({
  path,
  type: 'file',
  size: 10,
  modified: '2025-01-01T00:00:00.000Z',
  ...(module ? { module } : {}),
});

const TREE: FileEntry[] = [
  { path: '_shared', type: 'dir', children: [file('_shared/db.ts')] },
  { path: 'billing', type: 'dir', children: [file('billing/invoice.ts', 'billing/invoice')] },
  file('_money.ts'),
  file('template.ts', 'template'),
  file('notes.md'),
];

describe('the file tree', () => {
  it('lists folders then their files, indented, with modules and helpers', () => {
    expect(treeRows(TREE)).toEqual([
      { path: '_shared', name: '_shared', depth: 0, type: 'dir', helper: true },
      { path: '_shared/db.ts', name: 'db.ts', depth: 1, type: 'file', module: undefined, helper: true },
      { path: 'billing', name: 'billing', depth: 0, type: 'dir', helper: false },
      {
        path: 'billing/invoice.ts',
        name: 'invoice.ts',
        depth: 1,
        type: 'file',
        module: 'billing/invoice',
        helper: false,
      },
      { path: '_money.ts', name: '_money.ts', depth: 0, type: 'file', module: undefined, helper: true },
      { path: 'template.ts', name: 'template.ts', depth: 0, type: 'file', module: 'template', helper: false },
      { path: 'notes.md', name: 'notes.md', depth: 0, type: 'file', module: undefined, helper: false },
    ]);
    expect([...fileTimes(TREE).keys()]).toEqual([
      '_shared/db.ts',
      'billing/invoice.ts',
      '_money.ts',
      'template.ts',
      'notes.md',
    ]);
  });

  it('knows modules, languages, model URIs and API URLs of paths', () => {
    expect(moduleNameOf('billing/invoice.ts')).toBe('billing/invoice');
    expect(moduleNameOf('shop.mjs')).toBe('shop');
    expect(moduleNameOf('_money.ts')).toBeUndefined();
    expect(moduleNameOf('_lib/tax.ts')).toBeUndefined();
    expect(moduleNameOf('types.d.ts')).toBeUndefined();
    expect(moduleNameOf('data.json')).toBeUndefined();
    expect(languageOf('a.ts')).toBe('typescript');
    expect(languageOf('a.mjs')).toBe('javascript');
    expect(languageOf('a.json')).toBe('json');
    expect(languageOf('README')).toBe('plaintext');
    expect(modelUri('billing/my file#1.ts')).toBe('file:///apis/billing/my%20file%231.ts');
    expect(fileUrl('billing/a b.ts')).toBe('/api/files/billing/a%20b.ts');
  });
});

describe('file names', () => {
  const existing = new Set(['template.ts', 'billing/invoice.ts']);
  const check = (name: string, options = {}) => checkFileName(name, { existing, ...options });

  it('accepts module and helper names, in folders, adding .ts when there is no extension', () => {
    expect(check('shop.ts')).toEqual({ ok: true, path: 'shop.ts' });
    expect(check('  shop  ')).toEqual({ ok: true, path: 'shop.ts' });
    expect(check('billing/refund')).toEqual({ ok: true, path: 'billing/refund.ts' });
    expect(check('_money.ts')).toEqual({ ok: true, path: '_money.ts' });
    expect(check('v2/my-api_1.ts')).toEqual({ ok: true, path: 'v2/my-api_1.ts' });
  });

  it.each([
    ['', 'Give the file a name'],
    ['../evil.ts', '".."'],
    ['a/../b.ts', '".."'],
    ['./a.ts', '"."'],
    ['/etc/x.ts', 'no leading "/"'],
    ['a\\b.ts', 'not "\\"'],
    ['a//b.ts', 'empty folder'],
    ['a/', 'empty folder'],
    ['shop.js', 'Use a .ts file name'],
    ['shop.d.ts', 'Use a .ts file name'],
    ['my shop.ts', 'cannot be part of an endpoint'],
    ['-x.ts', 'cannot be part of an endpoint'],
    ['shop.v2.ts', 'cannot be part of an endpoint'],
    ['api.ts', 'reserved'],
    ['panel/x.ts', 'reserved'],
    ['node_modules/x.ts', 'not part of the API files'],
    ['template.ts', 'already exists'],
    ['billing/invoice', 'already exists'],
  ])('refuses %j', (name, error) => {
    const result = check(name);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(error);
  });

  it('takes the extensions allowed and the default one (renaming a .mjs file)', () => {
    const options = { extensions: WRITABLE_EXTENSIONS, defaultExtension: '.mjs' };
    expect(check('tools', options)).toEqual({ ok: true, path: 'tools.mjs' });
    expect(check('data.json', options)).toEqual({ ok: true, path: 'data.json' });
    expect(check('notes.md', options).ok).toBe(false);
  });
});

describe('imports of helpers', () => {
  const files = new Set(['_money.ts', 'billing/_tax.mts', 'lib/index.ts', 'shop.ts', 'data.json']);

  it('finds the relative imports of a source', () => {
    const source = `import { a } from './_money';
import type { T } from "../x.js";
export * from './lib';
import './side-effect.ts';
const later = await import('./billing/_tax.mjs');
import { z } from 'zod';
import fs from 'node:fs';`;
    expect(relativeImports(source).sort()).toEqual(
      ['../x.js', './_money', './billing/_tax.mjs', './lib', './side-effect.ts'].sort(),
    );
  });

  it('resolves them as esbuild and TypeScript do', () => {
    expect(resolveImport('shop.ts', './_money', files)).toBe('_money.ts');
    expect(resolveImport('shop.ts', './_money.js', files)).toBe('_money.ts');
    expect(resolveImport('shop.ts', './_money.ts', files)).toBe('_money.ts');
    expect(resolveImport('billing/invoice.ts', './_tax.mjs', files)).toBe('billing/_tax.mts');
    expect(resolveImport('billing/invoice.ts', '../_money', files)).toBe('_money.ts');
    expect(resolveImport('shop.ts', './lib', files)).toBe('lib/index.ts');
    expect(resolveImport('shop.ts', './data.json', files)).toBe('data.json');
    expect(resolveImport('shop.ts', './missing', files)).toBeUndefined();
    expect(resolveImport('shop.ts', '../outside', files)).toBeUndefined();
  });
});

describe('diagnostics', () => {
  const diagnostics: Diagnostic[] = [
    { severity: 'error', line: 3, column: 7, message: "Expected ';'", source: 'compile', file: 'shop.ts' },
    {
      severity: 'error',
      line: 9,
      column: 1,
      message: 'Date has no JSON form',
      source: 'params',
      file: 'shop.ts',
    },
    {
      severity: 'error',
      line: 1,
      column: 4,
      message: 'Unexpected "}"',
      source: 'compile',
      file: '_money.ts',
    },
  ];

  it('places the open file’s as markers, and keeps the others’ aside', () => {
    const { markers, elsewhere } = markersFor(diagnostics, 'shop.ts');
    expect(markers).toEqual([
      {
        severity: Severity.Error,
        message: "Expected ';'",
        source: 'api-deploy (compile)',
        startLineNumber: 3,
        startColumn: 7,
        endLineNumber: 3,
        endColumn: 7,
      },
      {
        severity: Severity.Error,
        message: 'Date has no JSON form',
        source: 'api-deploy (parameters)',
        startLineNumber: 9,
        startColumn: 1,
        endLineNumber: 9,
        endColumn: 1,
      },
    ]);
    expect(elsewhere).toEqual([diagnostics[2]]);
    expect(markersFor([{ ...diagnostics[0]!, line: 0, column: 0 }], 'shop.ts').markers[0]).toMatchObject({
      startLineNumber: 1,
      startColumn: 1,
    });
  });

  it('lists the problems: the open file’s by position (with TypeScript’s), then other files’', () => {
    const typescript: ReportedMarker[] = [
      {
        owner: 'typescript',
        code: '2322',
        severity: Severity.Error,
        message: "Type 'number' is not assignable to type 'string'.",
        startLineNumber: 5,
        startColumn: 3,
        endLineNumber: 5,
        endColumn: 9,
      },
      {
        owner: 'typescript',
        code: { value: '6133' },
        severity: Severity.Hint,
        message: "'x' is declared but its value is never read.",
        startLineNumber: 2,
        startColumn: 1,
        endLineNumber: 2,
        endColumn: 2,
      },
      {
        owner: MARKER_OWNER,
        severity: Severity.Error,
        message: 'ours, already listed',
        startLineNumber: 3,
        startColumn: 7,
        endLineNumber: 3,
        endColumn: 7,
      },
    ];
    expect(problemsOf(diagnostics, typescript, 'shop.ts')).toEqual([
      expect.objectContaining({ file: 'shop.ts', line: 3, source: 'compile', inOpenFile: true }),
      expect.objectContaining({
        file: 'shop.ts',
        line: 5,
        column: 3,
        source: 'typescript',
        severity: 'error',
        message: "Type 'number' is not assignable to type 'string'. (TS2322)",
      }),
      expect.objectContaining({ file: 'shop.ts', line: 9, source: 'params' }),
      expect.objectContaining({ file: '_money.ts', line: 1, inOpenFile: false }),
    ]);
  });
});

describe('the new file template', () => {
  it('is a module with a signature-style and a zod-style endpoint, named after the file', () => {
    const text = newFileText('billing/refund.ts');
    expect(text).toContain("import { apiFunction, ApiError } from 'api-deploy';");
    expect(text).toContain("import { z } from 'zod';");
    expect(text).toContain('POST /billing/refund/hello');
    expect(text).toMatch(/export const hello = apiFunction\(\(name: string = 'World'\)/);
    expect(text).toMatch(/export const divide = apiFunction\(\s*\{ params: z\.object/);
  });

  it('is a plain exported function for a helper', () => {
    const text = newFileText('_money.ts');
    expect(text).not.toContain('apiFunction');
    expect(text).toContain("import { round } from './_money'");
    expect(text).toContain('export function round');
  });
});
