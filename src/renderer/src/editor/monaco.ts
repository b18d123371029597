/**
 * The APIs editor's Monaco: the bundled core of ./monaco-core.ts, plus the TypeScript and
 * JavaScript languages set up as the runtime compiles modules, knowing `api-deploy` and `zod`.
 * Imported by the editor view alone, which layout.tsx loads lazily.
 */
import { monaco } from './monaco-core.js';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/javascript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';
import apiDeployDeclaration from 'virtual:api-deploy-typings';
import {
  API_DEPLOY_LIB,
  COMPILER_OPTIONS,
  IGNORED_DIAGNOSTICS,
  loadZodLibs,
  NODE_LIB,
  type ExtraLib,
} from './typings.js';

const { typescriptDefaults, javascriptDefaults } = typescript;
for (const defaults of [typescriptDefaults, javascriptDefaults]) {
  const options = {
    ...COMPILER_OPTIONS,
    ...(defaults === javascriptDefaults ? { allowJs: true, checkJs: false } : {}),
  };
  // Monaco's enum types stop at Node10 resolution; its TypeScript (5.9) knows Bundler (100).
  defaults.setCompilerOptions(options as unknown as typescript.CompilerOptions);
  defaults.setDiagnosticsOptions({
    noSemanticValidation: defaults === javascriptDefaults,
    noSyntaxValidation: false,
    diagnosticCodesToIgnore: IGNORED_DIAGNOSTICS,
  });
  // Keep every model in the worker, so a module sees the helpers it imports.
  defaults.setEagerModelSync(true);
}

function addLibs(libs: ExtraLib[]): void {
  for (const { filePath, content } of libs) {
    typescriptDefaults.addExtraLib(content, filePath);
    javascriptDefaults.addExtraLib(content, filePath);
  }
}

addLibs([{ filePath: API_DEPLOY_LIB, content: apiDeployDeclaration }, NODE_LIB]);

/**
 * zod's declarations (~250 kB) come in their own chunk once the editor is up; until then
 * `import { z } from 'zod'` is simply untyped. A failure is kept for the view to show.
 */
export const typingsReady: Promise<void> = loadZodLibs().then(addLibs);

export { monaco };
export type { Monaco } from './monaco-core.js';
