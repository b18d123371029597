// @ts-check
/**
 * Is the Electron binary installed, and where? Found the way node_modules/electron/index.js finds
 * it, but without `require('electron')`: in Electron 45 that require *downloads* the binary when
 * it is missing, which must never happen here (`npm start` falls back to the headless server).
 *
 * node_modules/electron/path.txt names the executable inside node_modules/electron/dist/. Both
 * come with electron's download, which `npm install` no longer runs since Electron 45: it happens
 * on the first `require('electron')`, or with `npx install-electron`. ELECTRON_OVERRIDE_DIST_PATH
 * replaces dist/.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** @typedef {{ found: true, path: string } | { found: false, reason: string }} ElectronBinary */

const DOWNLOAD = '`npx install-electron` downloads it';

/** The installed `electron` package's folder, resolved from `from` (this project), if any. */
export function electronPackageDir(from = import.meta.url) {
  try {
    return path.dirname(createRequire(from).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * @param {{ electronDir?: string | null, env?: NodeJS.ProcessEnv }} [options] electronDir: the
 *   electron package's folder (null: not installed); env: where ELECTRON_OVERRIDE_DIST_PATH is read
 * @returns {ElectronBinary}
 */
export function findElectronBinary({ electronDir = electronPackageDir(), env = process.env } = {}) {
  if (!electronDir) return { found: false, reason: 'the electron package is not in node_modules' };
  const pathFile = path.join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, executable || 'electron');
    return isFile(binary)
      ? { found: true, path: binary }
      : { found: false, reason: `no ${binary} (ELECTRON_OVERRIDE_DIST_PATH)` };
  }
  if (!executable) return { found: false, reason: `no ${show(pathFile)}; ${DOWNLOAD}` };
  const binary = path.join(electronDir, 'dist', executable);
  return isFile(binary)
    ? { found: true, path: binary }
    : { found: false, reason: `no ${show(binary)}; ${DOWNLOAD}` };
}

/**
 * Why a window cannot open even with the binary installed: a Linux machine without a display
 * (a server, an SSH session). Electron would only fail with "Missing X server or $DISPLAY".
 * @param {NodeJS.Platform} [platform]
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
export function noDisplay(platform = process.platform, env = process.env) {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return 'no display: $DISPLAY and $WAYLAND_DISPLAY are unset';
}

/** @param {string} file */
function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A path as short as it can be shown: relative to the current folder when inside it. @param {string} file */
function show(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
