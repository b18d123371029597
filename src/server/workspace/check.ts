import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { packageNameOf } from '../core/package-name.js';
import path from 'node:path';
import { build, type Loader, type Message, type Plugin } from 'esbuild';
import ts from 'typescript';
import { discoverModules, isHelperName, isModuleFileName, relativeTo } from '../load/discover.js';
import { unservable } from '../load/loader.js';
import { bundleOptions, toLoadError } from '../load/compile.js';
import { readSignatures } from '../params/signature.js';
import { unwrap } from '../params/type-reader.js';
import type { Diagnostic } from '../../shared/admin-api.js';

const LOADERS: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.json': 'json',
};

/**
 * Checks the text of a file as if it were saved at `file` (absolute, inside `apisDir`), without
 * saving it: bundles it as the loader does (so its imports resolve from its folder), and, for a
 * module, reads the parameters of its signature-style endpoints. Nothing is written or run.
 */
export async function checkSource(
  apisDir: string,
  file: string,
  content: string,
  packagesDir: string,
): Promise<Diagnostic[]> {
  const relativeFile = relativeTo(apisDir, file);
  const diagnostics = await compileDiagnostics(apisDir, file, content, packagesDir);
  if (isModule(relativeFile) && LOADERS[path.extname(file)] !== 'json') {
    diagnostics.push(...paramDiagnostics(file, relativeFile, content));
  }
  return diagnostics;
}

/**
 * Checks every module of the APIs folder as saved (`api-deploy check`): names the loader would
 * refuse, then each module as `checkSource` checks a file in the editor. A helper's problem
 * that several modules import is said once.
 */
export async function checkWorkspace(
  apisDir: string,
  packagesDir: string,
): Promise<{ modules: number; diagnostics: Diagnostic[] }> {
  const files = await discoverModules(apisDir);
  const refused = unservable(files);
  const diagnostics: Diagnostic[] = [...refused.values()].map(({ file, message }) => ({
    severity: 'error',
    line: 1,
    column: 1,
    message,
    source: 'compile',
    file,
  }));
  const seen = new Set<string>();
  for (const file of files) {
    if (refused.has(file.module)) continue;
    const content = await readFile(file.file, 'utf8');
    for (const diagnostic of await checkSource(apisDir, file.file, content, packagesDir)) {
      const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(diagnostic);
    }
  }
  return { modules: new Set(files.map((file) => file.module)).size, diagnostics };
}

/** Whether the loader would serve the file as a module (not a helper, not in a helper folder). */
function isModule(relativeFile: string): boolean {
  const segments = relativeFile.split('/');
  const name = segments.pop()!;
  return isModuleFileName(name) && !segments.some(isHelperName);
}

async function compileDiagnostics(
  apisDir: string,
  file: string,
  content: string,
  packagesDir: string,
): Promise<Diagnostic[]> {
  try {
    await build({
      ...bundleOptions(apisDir),
      plugins: [missingPackages(apisDir, packagesDir)],
      stdin: {
        contents: content,
        sourcefile: file,
        resolveDir: path.dirname(file),
        loader: LOADERS[path.extname(file)] ?? 'js',
      },
    });
    return [];
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    return errors.map((message) => {
      const { file: where, line, column, message: text } = toLoadError(message, apisDir);
      const missing = (message.detail as { missingPackage?: string } | undefined)?.missingPackage;
      return {
        severity: 'error',
        line: line ?? 1,
        column: column ?? 1,
        message: text,
        source: 'compile',
        file: where || relativeTo(apisDir, file),
        ...(missing ? { missingPackage: missing } : {}),
      };
    });
  }
}

/** Packages the runtime provides itself, whatever is installed. */
const PROVIDED = new Set(['api-deploy', 'zod', 'zod/v4']);

/**
 * Flags a static `import` of a package the module could not load: not in the workspace's
 * packages nor where Node would look from the APIs folder (as the worker resolves it). Only
 * static imports: a `require` or `import()` may be optional, in a try. Resolvable packages stay
 * external, as when the module is built to run.
 */
function missingPackages(apisDir: string, packagesDir: string): Plugin {
  const projectRequire = createRequire(path.join(apisDir, '__api-deploy__.js'));
  return {
    name: 'api-deploy-missing-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path: id, kind }) => {
        if (PROVIDED.has(id) || isBuiltin(id) || id.startsWith('node:') || kind !== 'import-statement') {
          return { external: true };
        }
        try {
          projectRequire.resolve(id, { paths: [packagesDir, apisDir] });
          return { external: true };
        } catch {
          const name = packageNameOf(id) ?? id;
          return {
            errors: [
              {
                text: `the package "${name}" is not installed in this workspace: install it in the Packages view`,
                detail: { missingPackage: name },
              },
            ],
          };
        }
      });
    },
  };
}

function paramDiagnostics(file: string, relativeFile: string, content: string): Diagnostic[] {
  let signatures: ReturnType<typeof readSignatures>;
  try {
    signatures = readSignatures(file, content);
  } catch (error) {
    const message = `cannot read the parameters: ${(error as Error).message}`;
    return [{ severity: 'error', line: 1, column: 1, message, source: 'params', file: relativeFile }];
  }
  const endpoints = signatureEndpoints(file, content);
  const diagnostics: Diagnostic[] = [];
  for (const [name, signature] of Object.entries(signatures)) {
    if (signature.kind !== 'problem' || !endpoints.has(name)) continue;
    diagnostics.push({
      severity: 'error',
      line: signature.line,
      column: signature.column,
      message: `${name}: ${signature.message}`,
      source: 'params',
      file: relativeFile,
    });
  }
  return diagnostics;
}

/**
 * The exports that will be signature-style endpoints: `apiFunction(fn)`, or
 * `apiFunction({ ...no params }, fn)`. The runtime knows this only once the module runs;
 * here it is read from the source, so the check does not flag other exported calls
 * (`export const schema = z.object(...)`) or zod-style endpoints, whose signature is not used.
 */
function signatureEndpoints(file: string, content: string): Set<string> {
  const source = ts.createSourceFile(file, content, ts.ScriptTarget.Latest, true);
  const names = new Set(['apiFunction']);
  const namespaces = new Set<string>();
  const calls = new Map<string, ts.CallExpression>();
  const exported = new Map<string, string>(); // exported name -> local name
  for (const statement of source.statements) {
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === 'api-deploy'
    ) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if ((element.propertyName ?? element.name).text === 'apiFunction') names.add(element.name.text);
        }
      }
    } else if (ts.isVariableStatement(statement)) {
      const isExported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const initializer = unwrap(declaration.initializer);
        if (!ts.isCallExpression(initializer)) continue;
        calls.set(declaration.name.text, initializer);
        if (isExported) exported.set(declaration.name.text, declaration.name.text);
      }
    } else if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        exported.set(element.name.text, (element.propertyName ?? element.name).text);
      }
    }
  }
  const isApiFunction = (callee: ts.Expression) =>
    (ts.isIdentifier(callee) && names.has(callee.text)) ||
    (ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      namespaces.has(callee.expression.text) &&
      callee.name.text === 'apiFunction');
  const result = new Set<string>();
  for (const [exportName, localName] of exported) {
    const call = calls.get(localName);
    if (!call || !isApiFunction(unwrap(call.expression))) continue;
    const options = call.arguments.length > 1 ? unwrap(call.arguments[0]!) : undefined;
    // Options the source does not spell out (a variable) may hold zod params: not flagged.
    if (options && !(ts.isObjectLiteralExpression(options) && !mayHaveProperty(options, 'params'))) continue;
    result.add(exportName);
  }
  return result;
}

/** Whether an object literal has the property, or may have it through a spread. */
function mayHaveProperty(object: ts.ObjectLiteralExpression, name: string): boolean {
  return object.properties.some(
    (property) =>
      ts.isSpreadAssignment(property) ||
      (property.name !== undefined &&
        (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) &&
        property.name.text === name),
  );
}
