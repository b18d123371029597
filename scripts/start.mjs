#!/usr/bin/env node
// @ts-check
/**
 * `npm start [-- args]`: the desktop app. Builds out/ first when it is older than its sources
 * (API_DEPLOY_SKIP_BUILD=1 skips that check), then runs the Electron binary on this folder.
 * Where the binary is not downloaded (Electron 45 fetches it only on demand: `npx
 * install-electron`, or a `require('electron')`, which this script avoids), or no window can open
 * (Linux without a display), it says so in one line and runs the headless server instead
 * (`node out/server/cli.js args`), printing the control panel's URL once the server listens.
 *
 * The app or server runs as a child process in its own process group, so a Ctrl+C in the
 * terminal reaches this script only, and is forwarded once: the server's second SIGINT means
 * "stop without waiting", so it must not get the terminal's copy and a forwarded one. This
 * script exits with the child's exit code.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReason } from './build-state.mjs';
import { findElectronBinary, noDisplay } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const WINDOWS = process.platform === 'win32';

/** @param {string} line */
const say = (line) => process.stderr.write(`api-deploy: ${line}\n`);

async function main() {
  // `npm start -- --port 9000` passes `--port 9000`; `node scripts/start.mjs -- --port 9000` keeps the `--`.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();

  if (process.env.API_DEPLOY_SKIP_BUILD !== '1') {
    const reason = buildReason(root);
    if (reason) {
      say(`building first: ${reason}`);
      const code = await build();
      if (code !== 0) process.exit(code);
    }
  }

  const binary = findElectronBinary();
  if (binary.found) {
    const display = noDisplay();
    if (!display) return desktop(binary.path, args);
    say(`no window can open (${display}): starting the headless server instead, with its control panel`);
  } else {
    say(
      `Electron's binary is not installed (${binary.reason}): starting the headless server instead, with its control panel`,
    );
  }
  headless(args);
}

/** `npm run build`, through the package manager that runs this script when there is one. */
function build() {
  const npmCli = process.env.npm_execpath;
  const child = npmCli?.endsWith('js')
    ? spawn(process.execPath, [npmCli, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawn('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: WINDOWS });
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`could not run "npm run build": ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * The Electron app on this folder (package.json's "main", out/main/index.js). Arguments after
 * `--` go to the app.
 * @param {string} electron
 * @param {string[]} args
 */
function desktop(electron, args) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node.js
  supervise(
    spawn(electron, [root, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: !WINDOWS,
    }),
  );
}

/**
 * The headless server, as `npm run serve` runs it (from the current folder, so its default
 * ./api-deploy.config.json is the project's); it prints the control panel's URL itself.
 * @param {string[]} args
 */
function headless(args) {
  const child = spawn(process.execPath, [path.join(root, 'out/server/cli.js'), ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: !WINDOWS,
  });
  supervise(child);
}

/**
 * Forwards SIGINT and SIGTERM to the child (SIGHUP, a closed terminal, as SIGTERM), and exits
 * with its code once it is gone. On Windows the console sends Ctrl+C to the child itself.
 * @param {import('node:child_process').ChildProcess} child
 */
function supervise(child) {
  let forwarded = false;
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => {
    forwarded = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  if (WINDOWS) {
    process.on('SIGINT', () => undefined);
  } else {
    process.on('SIGINT', () => forward('SIGINT'));
    process.on('SIGTERM', () => forward('SIGTERM'));
    process.on('SIGHUP', () => forward('SIGTERM'));
  }
  // Should this script die of an error, the child (in its own group) must not outlive it.
  process.on('exit', () => {
    if (!forwarded) forward('SIGTERM');
  });
  child.on('error', (error) => {
    say(`could not start ${child.spawnfile}: ${error.message}`);
    process.exit(1);
  });
  child.on('close', (code, signal) => {
    forwarded = true;
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
}

await main();
