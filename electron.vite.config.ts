import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// The control panel (src/renderer) is built to out/renderer: the Electron window shows it, and
// the headless server serves the same files at /panel. `base: './'` keeps every asset URL
// relative, so one build works under /panel/ and from the app's own files.
// The desktop issue adds `main` and `preload` here; the headless server is bundled by
// scripts/build-server.mjs and needs none of this.
export default defineConfig({
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react()],
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
