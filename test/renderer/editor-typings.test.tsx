/**
 * The editor's TypeScript world, checked with the real TypeScript: the `api-deploy` declaration
 * generated from src/server/public.ts, zod's declarations as the editor ships them, and the
 * compiler options, so a module that type-checks here type-checks in Monaco.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import templateModule from '../../apis/template.ts?raw';
import publicSource from '../../src/server/public.ts?raw';
import * as publicApi from '../../src/server/public.js';
import { apiDeployDeclaration } from '../../scripts/api-deploy-declaration.js';
import { newFileText } from '../../src/renderer/src/editor/template.js';
import {
  API_DEPLOY_LIB,
  COMPILER_OPTIONS,
  IGNORED_DIAGNOSTICS,
  libPathOf,
  NODE_LIB,
} from '../../src/renderer/src/editor/typings.js';
import { ZOD_DECLARATIONS } from '../../src/renderer/src/editor/zod-typings.js';

const declaration = apiDeployDeclaration(publicSource);

/** The names a source file exports (values and types). */
function exportedNames(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      for (const item of statement.declarationList.declarations) names.push(item.name.getText());
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement)) &&
      statement.name
    ) {
      names.push(statement.name.text);
    }
  }
  return [...new Set(names)].sort();
}

describe('the api-deploy declaration', () => {
  it('declares everything src/server/public.ts exports, values and types', () => {
    const fromSource = exportedNames('public.ts', publicSource);
    expect(exportedNames('api-deploy.d.ts', declaration)).toEqual(fromSource);
    for (const name of Object.keys(publicApi)) expect(fromSource).toContain(name);
    expect(declaration).toContain('export declare function apiFunction<S extends z.ZodType, R>(');
    expect(declaration).toContain('export declare class ApiError extends Error');
    expect(declaration).not.toMatch(/=>\s*fn\(|defineProperty/); // no implementation
  });
});

describe("zod's declarations", () => {
  const keys = Object.keys(ZOD_DECLARATIONS);
  const posix = (parts: string[]) => {
    const out: string[] = [];
    for (const part of parts.join('/').split('/')) {
      if (part === '..') out.pop();
      else if (part !== '.' && part !== '') out.push(part);
    }
    return out.join('/');
  };

  it('hold every file `import { z } from "zod"` reaches, and not zod/v3 or zod/mini', () => {
    const byLib = new Map(keys.map((key) => [libPathOf(key), ZOD_DECLARATIONS[key]!]));
    const start = 'file:///node_modules/zod/index.d.ts';
    expect(byLib.has(start)).toBe(true);
    const seen = new Set<string>();
    const queue = [start];
    const missing: string[] = [];
    while (queue.length > 0) {
      const lib = queue.pop()!;
      if (seen.has(lib)) continue;
      seen.add(lib);
      const text = byLib.get(lib)!;
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const directory = lib.slice('file:///'.length).split('/').slice(0, -1);
        const target = `file:///${posix([...directory, match[1]!]).replace(/\.js$/, '.d.ts')}`;
        if (byLib.has(target)) queue.push(target);
        else missing.push(`${target} (from ${lib})`);
      }
    }
    expect(missing).toEqual([]);
    expect(keys.some((key) => /zod\/(v3|mini|v4-mini|v4\/mini)\//.test(key))).toBe(false);
    const bytes = Object.values(ZOD_DECLARATIONS).reduce((sum, text) => sum + text.length, 0);
    expect(bytes).toBeLessThan(320_000);
    expect(seen.size / keys.length).toBeGreaterThan(0.9); // hardly anything shipped that is not reached
  });
});

/** Type-checks API modules as the editor's TypeScript does: the same libs and options. */
function typeCheck(modules: Record<string, string>): string[] {
  const files = new Map<string, string>();
  const add = (uri: string, content: string) => files.set(uri.replace(/^file:\/\//, ''), content);
  add(API_DEPLOY_LIB, declaration);
  add(NODE_LIB.filePath, NODE_LIB.content);
  for (const [key, content] of Object.entries(ZOD_DECLARATIONS)) add(libPathOf(key), content);
  for (const [name, content] of Object.entries(modules)) add(`file:///apis/${name}`, content);

  const { allowNonTsExtensions: _internal, ...options } = COMPILER_OPTIONS;
  const compilerOptions = { ...options, types: [] } as unknown as ts.CompilerOptions;
  const host = ts.createCompilerHost(compilerOptions);
  const readDisk = host.readFile.bind(host);
  host.getCurrentDirectory = () => '/';
  host.fileExists = (name) =>
    files.has(name) || (name.includes('/typescript/lib/') && ts.sys.fileExists(name));
  host.readFile = (name) => files.get(name) ?? readDisk(name);
  host.directoryExists = (name) => [...files.keys()].some((file) => file.startsWith(`${name}/`));
  host.getSourceFile = (name, language) => {
    const text = host.readFile(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: compilerOptions, host });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => !IGNORED_DIAGNOSTICS.includes(diagnostic.code))
    .map((diagnostic) => {
      const where = diagnostic.file
        ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : '';
      return `${where} TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}

describe("the editor's TypeScript", () => {
  it('type-checks the shipped template, a new module, a helper and its import, without errors', () => {
    expect(
      typeCheck({
        'template.ts': templateModule,
        'shop.ts': newFileText('shop.ts'),
        '_money.ts': newFileText('_money.ts'),
        'uses-helper.ts': `import { apiFunction } from 'api-deploy';
import { round } from './_money';
import { readFile } from 'node:fs/promises';
import lodash from 'lodash';
export const total = apiFunction(async (prices: number[]) => ({
  total: round(prices.reduce((sum, price) => sum + price, 0)),
  home: process.env.HOME,
  size: (await readFile('x')).length,
  same: lodash.isEqual(1, 1),
}));
`,
      }),
    ).toEqual([]);
  });

  it('knows the types zod and apiFunction give, and reports what is wrong', () => {
    const errors = typeCheck({
      'wrong.ts': `import { apiFunction, ApiError } from 'api-deploy';
import { z } from 'zod';
export const area = apiFunction({ params: z.object({ w: z.number(), h: z.number() }) }, ({ w, h }) => w.toUpperCase() * h);
export const hello = apiFunction((name: string) => name.toFixed(2));
export const fail = apiFunction(() => { throw new ApiError('no', { status: '409' }); });
export const slow = apiFunction({ timeoutMs: 'soon' }, () => 1);
`,
    });
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/wrong\.ts:3 TS2339: Property 'toUpperCase' does not exist on type 'number'/);
    expect(errors[1]).toMatch(/wrong\.ts:4 TS2551: Property 'toFixed' does not exist on type 'string'/);
    expect(errors[2]).toMatch(/wrong\.ts:5 TS2322: Type 'string' is not assignable to type 'number'/);
    expect(errors[3]).toMatch(/wrong\.ts:6 TS2769: No overload matches this call/);
  });

  it('knows context(), secret() and env: their fields type-check, and misuse is an error', () => {
    expect(
      typeCheck({
        'pay.ts': `import { apiFunction, context, env, secret } from 'api-deploy';
export const charge = apiFunction(async (amount: number) => {
  const { requestId, endpoint, headers, client, caller, signal, deadline, log } = context();
  log.info('charging', { amount, requestId });
  log.warn('slow');
  log.error('failed', { endpoint });
  const answer = await fetch('https://pay.example/charges', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + secret('PAYMENT_KEY'), 'x-forwarded-for': client ?? '' },
    signal,
  });
  const label: string = caller.label;
  const role: 'business' | 'admin' = caller.role;
  const left: number = deadline - Date.now();
  const agent: string | undefined = headers['user-agent'];
  const region: string | undefined = env.REGION;
  return { ok: answer.ok, label, role, left, agent, region, aborted: signal.aborted };
});
`,
      }),
    ).toEqual([]);
    const errors = typeCheck({
      'misuse.ts': `import { apiFunction, context, secret } from 'api-deploy';
export const bad = apiFunction(() => {
  const key: number = secret('KEY');
  context().log.debug('no such level');
  return context().caller.token;
});
`,
    });
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/misuse\.ts:3 TS2322: Type 'string' is not assignable to type 'number'/);
    expect(errors[1]).toMatch(/misuse\.ts:4 TS2339: Property 'debug' does not exist/);
    expect(errors[2]).toMatch(/misuse\.ts:5 TS2551: Property 'token' does not exist on type 'Caller'/);
  });
});
