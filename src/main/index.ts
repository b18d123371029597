/**
 * The desktop app's main process (electron-vite builds it to out/main/index.js): the runtime of
 * `npm run serve`, hosted here, with the control panel in a window. The work is in the modules
 * beside this file; this only wires them to Electron's start.
 */
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import log from 'electron-log/main';
import { unpackedEsbuildBinary } from './esbuild-binary.js';
import { reportUnexpected, showUnexpected } from './faults.js';

log.transports.file.level = 'info';
reportUnexpected(log);

// esbuild (which compiles apis/) reads ESBUILD_BINARY_PATH once, when it is loaded: set it to
// the unpacked binary before the runtime's modules load, hence the dynamic import below.
if (app.isPackaged && !process.env.ESBUILD_BINARY_PATH) {
  const binary = unpackedEsbuildBinary(process.resourcesPath);
  if (binary) process.env.ESBUILD_BINARY_PATH = binary;
}

const { DesktopApp } = await import('./desktop.js');

const desktop = new DesktopApp({
  // This bundle is out/main/index.js: the preload, the panel and the worker are beside out/main.
  outDir: fileURLToPath(new URL('..', import.meta.url)),
  log,
  devRendererUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
  // `electron . --port 9000` (development) or `API Deploy --port 9000` (packaged).
  argv: process.argv.slice(process.defaultApp ? 2 : 1),
  stdout: app.isPackaged ? undefined : process.stdout,
});

if (!desktop.install()) {
  app.quit(); // another instance runs: it shows its window
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app
    .whenReady()
    .then(() => desktop.start())
    .catch((error: unknown) => {
      showUnexpected(log, 'the app could not start', error);
      app.exit(1);
    });
}
