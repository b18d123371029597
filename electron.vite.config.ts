import { defineConfig } from 'electron-vite';

// The desktop build (main, preload, renderer) grows here with the desktop and panel issues.
// The headless server is bundled by scripts/build-server.mjs and needs none of this.
export default defineConfig({});
