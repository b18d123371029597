/**
 * Monaco, bundled with the panel (no CDN: the panel's CSP allows scripts from 'self' only), and
 * only what the panel's editors need: the editor core and its features, and the JSON language.
 * The TypeScript setup of the APIs editor is ./monaco.ts, on top of this; the request panel's
 * JSON body editor uses this alone. All editor features are registered: Monaco's language
 * workers import them all anyway (internal/common/workers.js). Imported lazily only, so all of
 * it (and its CSS) lands in the editors' chunks. Its workers are Vite `?worker` chunks: separate
 * files from 'self', started as module workers, and only when a model of their language opens.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'typescript' || label === 'javascript') return new TypeScriptWorker();
    if (label === 'json') return new JsonWorker();
    return new EditorWorker();
  },
};

// @monaco-editor/react takes this Monaco instead of fetching one from its CDN default.
loader.config({ monaco });

export { monaco, jsonDefaults };
export type Monaco = typeof monaco;
