#!/usr/bin/env node
/** `npm run serve -- [--config FILE] [--host H] [--port P] [--apis DIR]`: the headless server. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, resolveConfigSource } from './config/load.js';
import { hostRuntime, servingSummary } from './host.js';
import { StartError, type Runtime } from './index.js';
import { VERSION } from './core/version.js';

const USAGE = `API Deploy ${VERSION}: plain functions in apis/ become authenticated JSON endpoints.

Usage: npm run serve -- [options]

  --config FILE   config file (default: ./api-deploy.config.json; env API_DEPLOY_CONFIG)
  --host HOST     address to listen on (env API_DEPLOY_HOST)
  --port PORT     port to listen on (env API_DEPLOY_PORT)
  --apis DIR      folder of API modules (env API_DEPLOY_APIS_DIR)
  --secrets FILE  the secrets file (default: api-deploy.secrets.json beside the config)
  --quiet         no log lines on standard output (the log file still has them)
  --help          show this help
  --version       show the version`;

const fail = (message: string, code = 1): never => {
  process.stderr.write(`api-deploy: ${message}\n`);
  process.exit(code);
};

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        apis: { type: 'string' },
        quiet: { type: 'boolean' },
        secrets: { type: 'string' },
        help: { type: 'boolean' },
        version: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  if (args.version) return void process.stdout.write(`${VERSION}\n`);

  const source = resolveConfigSource({
    config: args.config,
    host: args.host,
    port: args.port,
    apisDir: args.apis,
  });
  let runtime: Runtime;
  try {
    runtime = hostRuntime({
      source,
      // The bundle is out/server/cli.js: the panel is in out/renderer, the worker beside it.
      outDir: fileURLToPath(new URL('..', import.meta.url)),
      stdout: args.quiet ? undefined : process.stdout,
      secretsFile: args.secrets === undefined ? undefined : path.resolve(args.secrets),
    });
    await runtime.start();
  } catch (error) {
    if (error instanceof ConfigError) return fail(`config error: ${error.message}`);
    if (error instanceof StartError) return fail(error.message);
    throw error;
  }
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
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(`error while stopping: ${(error as Error).message}`),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) =>
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
