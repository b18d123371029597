/**
 * Monaco, bundled with the panel (no CDN: the panel's CSP allows scripts from 'self' only), and
 * only what the editor needs: the editor core and its features, and the TypeScript, JavaScript
 * and JSON languages (not the 80 others of `monaco-editor`'s main entry). All editor features
 * are registered: Monaco's language workers import them all anyway (internal/common/workers.js).
 * Imported by the editor view alone, which layout.tsx loads lazily, so all of it (and its CSS)
 * lands in the editor's chunks. Its workers are Vite `?worker` chunks: separate files from
 * 'self', started as module workers.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/javascript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';
import 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import apiDeployDeclaration from 'virtual:api-deploy-typings';
import {
  API_DEPLOY_LIB,
  COMPILER_OPTIONS,
  IGNORED_DIAGNOSTICS,
  loadZodLibs,
  NODE_LIB,
  type ExtraLib,
} from './typings.js';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'typescript' || label === 'javascript') return new TypeScriptWorker();
    if (label === 'json') return new JsonWorker();
    return new EditorWorker();
  },
};

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

// @monaco-editor/react takes this Monaco instead of fetching one from its CDN default.
loader.config({ monaco });

export { monaco };
export type Monaco = typeof monaco;
