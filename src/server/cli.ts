#!/usr/bin/env node
/**
 * The `api-deploy` command (the package's bin) and `npm run serve -- [options]` in this
 * repository: `init [DIR]` makes a workspace, `serve [DIR]` runs it, `check [DIR]` reports what
 * would not load. Without a command it serves, as `npm run serve` always has.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterMember, type ClusterMember } from './cluster/member.js';
import { Supervisor } from './cluster/supervisor.js';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, resolveConfigSource } from './config/load.js';
import { processCountOf } from './config/schema.js';
import { packagesDirOf } from './core/workspace-paths.js';
import { hostRuntime, servingSummary } from './host.js';
import { StartError, type Runtime } from './index.js';
import { VERSION } from './core/version.js';
import { checkWorkspace } from './workspace/check.js';
import { InitError, initWorkspace } from './workspace/init.js';

/** The bundle is out/server/cli.js: the panel is in out/renderer, the worker beside it. */
const OUT_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The package's root (this repository, or where npm installed it). */
const PACKAGE_DIR = path.dirname(OUT_DIR);

const USAGE = `API Deploy ${VERSION}: plain TypeScript functions become authenticated JSON endpoints.

Usage: api-deploy <command> [DIR] [options]

  init [DIR]      make a workspace in DIR (default: the current folder): api-deploy.config.json
                  with fresh tokens, apis/template.ts, .gitignore and tsconfig.json
  serve [DIR]     serve the workspace in DIR (the default command)
  check [DIR]     compile every module and read its parameters; print each problem as
                  file:line:col message, and exit 1 if there is one

Options of serve:
  --config FILE   config file (default: DIR/api-deploy.config.json; env API_DEPLOY_CONFIG)
  --host HOST     address to listen on (env API_DEPLOY_HOST)
  --port PORT     port to listen on (env API_DEPLOY_PORT)
  --apis DIR      folder of API modules (env API_DEPLOY_APIS_DIR)
  --secrets FILE  the secrets file (default: api-deploy.secrets.json beside the config)
  --processes N   runtime processes sharing the port (cluster mode): a number, or auto for
                  one per CPU core (env API_DEPLOY_PROCESSES; default: "cluster" in the config, 1)
  --init          make the workspace first if DIR has no config (as init does)
  --quiet         no log lines on standard output (the log file still has them)
check takes --config and --apis too.

init takes its tokens from API_DEPLOY_ADMIN_TOKEN and API_DEPLOY_TOKEN when they are set.

  --help          show this help
  --version       show the version

In this repository: npm run serve -- [options]`;

const fail = (message: string, code = 1): never => {
  process.stderr.write(`api-deploy: ${message}\n`);
  process.exit(code);
};

const COMMANDS = ['init', 'serve', 'check'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  apis: { type: 'string' },
  quiet: { type: 'boolean' },
  secrets: { type: 'string' },
  processes: { type: 'string' },
  init: { type: 'boolean' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;
/** The options each command takes (help and version go with any). */
const TAKES: Record<Command, (keyof typeof OPTIONS)[]> = {
  init: [],
  serve: ['config', 'host', 'port', 'apis', 'quiet', 'secrets', 'processes', 'init'],
  check: ['config', 'apis'],
};

type Args = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const named = COMMANDS.find((command) => command === argv[0]);
  const command: Command = named ?? 'serve';
  let args: Args;
  let positionals: string[];
  try {
    ({ values: args, positionals } = parseArgs({
      args: named ? argv.slice(1) : argv,
      options: OPTIONS,
      allowPositionals: true,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  if (args.version) return void process.stdout.write(`${VERSION}\n`);
  if (!named && positionals.length > 0) {
    return fail(`unknown command "${positionals[0]}": use init, serve or check (see --help)`, 2);
  }
  if (positionals.length > 1) return fail(`${command} takes one folder, got ${positionals.join(' ')}`, 2);
  const unused = (Object.keys(args) as (keyof typeof OPTIONS)[]).filter(
    (option) => !TAKES[command].includes(option),
  );
  if (unused.length > 0) return fail(`${command} does not take --${unused[0]} (see --help)`, 2);

  const dir = positionals[0] === undefined ? undefined : path.resolve(positionals[0]);
  if (command === 'init') return init(dir ?? process.cwd());
  if (command === 'check') return check(dir, args);
  return serve(dir, args);
}

/** `init [DIR]`: says what it made, and the tokens it made (the only time they are shown). */
async function init(dir: string): Promise<void> {
  let result;
  try {
    result = await initWorkspace({
      dir,
      templateFile: path.join(PACKAGE_DIR, 'apis', 'template.ts'),
      typesFile: path.join(OUT_DIR, 'server', 'api-deploy.d.ts'),
      zodDir: path.dirname(createRequire(import.meta.url).resolve('zod/package.json')),
    });
  } catch (error) {
    if (error instanceof InitError) return fail(error.message);
    throw error;
  }
  const shown = path.relative(process.cwd(), dir) || '.';
  const lines = [`Made a workspace in ${dir}:`, ...result.created.map((file) => `  ${file}`)];
  if (result.kept.length) lines.push(`Kept as they were: ${result.kept.join(', ')}`);
  const { admin, business } = result.generated;
  if (admin) lines.push('', `Admin token:    ${admin}`);
  if (business) lines.push(`Business token: ${business}`);
  if (admin || business) {
    lines.push(`(also in ${path.join(shown, DEFAULT_CONFIG_FILE)}; keep them secret)`);
  }
  lines.push('', `Next: api-deploy serve ${shown}`, '');
  process.stdout.write(lines.join('\n'));
}

/** The config of a command's folder: DIR/api-deploy.config.json, which must exist when DIR is given. */
function sourceOf(dir: string | undefined, args: Args) {
  const configFile = args.config ?? (dir === undefined ? undefined : path.join(dir, DEFAULT_CONFIG_FILE));
  return resolveConfigSource({
    config: configFile,
    host: args.host,
    port: args.port,
    apisDir: args.apis,
    processes: args.processes,
  });
}

const configFailure = (error: ConfigError, dir: string | undefined): never =>
  fail(
    `config error: ${error.message}` +
      (dir !== undefined && !existsSync(path.join(dir, DEFAULT_CONFIG_FILE))
        ? `\n(make the workspace with: api-deploy init ${path.relative(process.cwd(), dir) || '.'})`
        : ''),
  );

/** `check [DIR]`: every module compiled and its parameters read, as the editor checks a file. */
async function check(dir: string | undefined, args: Args): Promise<void> {
  let config;
  try {
    config = loadConfig(sourceOf(dir, args));
  } catch (error) {
    if (error instanceof ConfigError) return configFailure(error, dir);
    throw error;
  }
  const { modules, diagnostics } = await checkWorkspace(config.apisDir, packagesDirOf(config.baseDir));
  const shown = (file: string) => path.relative(process.cwd(), path.join(config.apisDir, file)) || file;
  for (const { file, line, column, message } of diagnostics) {
    process.stdout.write(`${shown(file)}:${line}:${column} ${message}\n`);
  }
  const where = path.relative(process.cwd(), config.apisDir) || '.';
  if (diagnostics.length > 0) {
    process.stderr.write(
      `api-deploy: ${diagnostics.length} problem(s) in ${modules} module(s) of ${where}\n`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`${modules} module(s) in ${where}: no problems\n`);
  }
}

async function serve(dir: string | undefined, args: Args): Promise<void> {
  // A runtime process of a cluster runs this too, with the same arguments (see serveCluster).
  const member = clusterMember();
  if (!member && args.init && dir !== undefined && !existsSync(path.join(dir, DEFAULT_CONFIG_FILE))) {
    // A container's first start on an empty volume: the tokens are printed once, unless an
    // orchestrator gave them (API_DEPLOY_ADMIN_TOKEN, API_DEPLOY_TOKEN).
    await init(dir);
  }
  const source = sourceOf(dir, args);
  if (!member) {
    let processes: number;
    try {
      processes = processCountOf(loadConfig(source));
    } catch (error) {
      if (error instanceof ConfigError) return configFailure(error, dir);
      throw error;
    }
    if (processes > 1) return serveCluster(processes);
  }
  let runtime: Runtime;
  try {
    runtime = hostRuntime({
      source,
      outDir: OUT_DIR,
      stdout: args.quiet ? undefined : process.stdout,
      secretsFile: args.secrets === undefined ? undefined : path.resolve(args.secrets),
      processNumber: member?.number,
    });
    await runtime.start();
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof StartError)) throw error;
    // A cluster's process: the primary prints it, once for all of them.
    if (member) {
      return member.failed(error instanceof ConfigError ? `config error: ${error.message}` : error.message);
    }
    if (error instanceof ConfigError) return configFailure(error, dir);
    return fail(error.message);
  }
  if (member) return serveAsMember(runtime, member);
  process.stdout.write(servingSummary(runtime));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`api-deploy: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(
      `${signal}: finishing requests in flight, then stopping (${signal} again to force)\n`,
    );
    stopRuntime(runtime);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const stopRuntime = (runtime: Runtime) =>
  runtime.stop().then(
    () => process.exit(0),
    (error: unknown) => fail(`error while stopping: ${(error as Error).message}`),
  );

/**
 * Cluster mode: this process is the primary. It forks the runtime processes (each runs this
 * command again, as a member), prints the banner once they all serve, and on SIGTERM or SIGINT
 * has them all finish their requests in flight, exiting once they have.
 */
async function serveCluster(processes: number): Promise<void> {
  const supervisor = new Supervisor({ processes, stdout: process.stdout, stderr: process.stderr });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`api-deploy: ${signal} again, ending every process without waiting\n`);
      supervisor.kill();
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(
      `${signal}: finishing requests in flight in every process, then stopping (${signal} again to force)\n`,
    );
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  try {
    process.stdout.write(await supervisor.start());
  } catch (error) {
    fail((error as Error).message);
  }
}

/**
 * A runtime process of a cluster: the primary prints the banner and the shutdown line. A signal
 * (a terminal's Ctrl-C reaches every process of its group; systemd signals them all) or the
 * primary's word stops it the same graceful way; forcing is the primary's to do.
 */
function serveAsMember(runtime: Runtime, member: ClusterMember): void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stopRuntime(runtime);
  };
  member.onStop(shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  member.ready(servingSummary(runtime));
}

main().catch((error: unknown) =>
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
