import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { apiDeployDeclaration } from './scripts/api-deploy-declaration.js';

// The control panel (src/renderer) is built to out/renderer: the Electron window shows it, and
// the headless server serves the same files at /panel. `base: './'` keeps every asset URL
// relative, so one build works under /panel/ and from the app's own files.
// The desktop app's main process (src/main → out/main/index.js, ESM like the package) and its
// preload (src/preload → out/preload/index.cjs: a sandboxed window loads only a CommonJS
// preload) are built here too; the headless server is bundled by scripts/build-server.mjs.
export default defineConfig({
  main: {
    build: {
      outDir: resolve('out/main'),
      lib: { entry: resolve('src/main/index.ts'), formats: ['es'], fileName: () => 'index.js' },
      // `electron`, Node's built-ins and the package's dependencies stay imports, loaded from
      // node_modules at run time (electron-vite's externalizeDeps, on by default).
      externalizeDeps: true,
      sourcemap: true,
    },
  },
  preload: {
    build: {
      outDir: resolve('out/preload'),
      lib: { entry: resolve('src/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      // A sandboxed preload can require `electron` and nothing else: bundle everything else in.
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react(), apiDeployTypings(), noMonacoCdn()],
    build: {
      outDir: resolve('out/renderer'),
      // Also served to any browser at /panel: not only the Chromium inside Electron.
      target: 'es2022',
      minify: true,
      emptyOutDir: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
      // Monaco is big by nature and loaded only with the editor view, in its own chunk.
      chunkSizeWarningLimit: 4096,
    },
    worker: { format: 'es' },
  },
});

/**
 * The editor's declaration of `api-deploy` (`import ... from 'virtual:api-deploy-typings'`),
 * generated from src/server/public.ts at each build, so IntelliSense cannot drift from it.
 */
function apiDeployTypings(): Plugin {
  const id = 'virtual:api-deploy-typings';
  const source = resolve('src/server/public.ts');
  return {
    name: 'api-deploy-typings',
    resolveId: (request) => (request === id ? `\0${id}` : undefined),
    async load(request) {
      if (request !== `\0${id}`) return undefined;
      this.addWatchFile(source);
      return `export default ${JSON.stringify(apiDeployDeclaration(await readFile(source, 'utf8')))};`;
    },
  };
}

/**
 * @monaco-editor/loader's default is to fetch Monaco from a CDN; the editor hands it the bundled
 * Monaco instead (editor/monaco.ts). This removes the unused CDN address from the bundle, so
 * nothing in the panel can point outside the machine.
 */
function noMonacoCdn(): Plugin {
  return {
    name: 'no-monaco-cdn',
    transform: {
      filter: { id: /@monaco-editor[\\/]loader[\\/]/ },
      handler: (code) => code.replace(/https:\/\/cdn\.jsdelivr\.net\/npm\/monaco-editor@[^'"]*/g, ''),
    },
  };
}
