import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** How npm is run: a Node binary and npm's CLI script (no shell, ever). */
export interface NpmCommand {
  node: string;
  cli: string;
}

/**
 * Finds npm's CLI: the one given (`API_DEPLOY_NPM_CLI`), else the npm this package ships (a
 * dependency, so the desktop app, whose Electron has no npm, has one), else the npm installed
 * beside the Node binary. It runs on `process.execPath`: Node on a server, Electron's own Node
 * in the desktop app (with ELECTRON_RUN_AS_NODE set).
 */
export function findNpm(env: NodeJS.ProcessEnv = process.env): NpmCommand | undefined {
  const candidates = [env.API_DEPLOY_NPM_CLI, shippedNpm(), ...besideNode()];
  const cli = candidates.find((file): file is string => !!file && existsSync(file));
  return cli ? { node: process.execPath, cli } : undefined;
}

function shippedNpm(): string | undefined {
  try {
    // In the packaged app npm is unpacked beside app.asar: a child process cannot read inside it.
    return createRequire(import.meta.url)
      .resolve('npm/bin/npm-cli.js')
      .replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  } catch {
    return undefined;
  }
}

function besideNode(): string[] {
  const bin = path.dirname(process.execPath);
  return [
    path.join(bin, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), // Unix installs
    path.join(bin, 'node_modules', 'npm', 'bin', 'npm-cli.js'), // Windows installs
  ];
}

/**
 * The environment npm runs with: the process's, without what is not npm's business (the
 * runtime's tokens and secrets, which install scripts could read) and without the variables an
 * outer `npm run` sets (they would point npm at this repository's package.json).
 */
export function npmEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('API_DEPLOY_')) continue;
    if (
      /^npm_(package|lifecycle|command|execpath|node_execpath|config_(prefix|global|local_prefix))/i.test(key)
    )
      continue;
    if (key === 'INIT_CWD') continue;
    clean[key] = value;
  }
  return {
    ...clean,
    ELECTRON_RUN_AS_NODE: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_progress: 'false',
  };
}

export interface NpmRun {
  /** Resolves with npm's exit code (null when killed). */
  exited: Promise<number | null>;
  kill(): void;
}

/** Runs `npm <args>` in `cwd`, each line of its output (stdout and stderr) to `onLine`. */
export function runNpm(
  npm: NpmCommand,
  args: string[],
  cwd: string,
  onLine: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): NpmRun {
  const child = spawn(npm.node, [npm.cli, ...args], {
    cwd,
    env: npmEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine(line);
    });
    stream.on('end', () => {
      if (rest.trim()) onLine(rest);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      onLine(`could not start npm: ${error.message}`);
      resolve(-1);
    });
    child.on('close', (code) => resolve(code));
  });
  return { exited, kill: () => child.kill('SIGKILL') };
}
