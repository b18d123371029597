import { parseArgs } from 'node:util';
import { hostRuntime } from '../server/host.js';
import {
  StartError,
  type Runtime,
  type SessionToken,
  ConfigError,
  resolveConfigSource,
  type ConfigOverrides,
  type SecretCipher,
} from '../server/index.js';
import type { Workspace } from './workspace.js';

/** What to do when the runtime cannot start; the desktop answers with dialogs (faults.ts). */
export interface StartFaults {
  /**
   * The port is taken: the port to start on instead (the user may also have saved it to the
   * config), or undefined to give up.
   */
  portInUse(problem: { host: string; port: number; configFile?: string }): Promise<number | undefined>;
  /** The config (or the build) cannot be used: try again (the user fixed it) or give up. */
  cannotStart(problem: { message: string; configFile: string }): Promise<'retry' | 'quit'>;
}

export interface RuntimeHostOptions {
  /** The build output folder: out/renderer is the panel, out/server/worker.js the worker. */
  outDir: string;
  /** The worker script, when not below `outDir` (unpacked from the asar archive). */
  workerFile?: string;
  /** The app session's admin credential, accepted by the runtime, never written anywhere. */
  sessionToken: SessionToken;
  faults: StartFaults;
  /** Log lines on standard output too (in development). */
  stdout?: NodeJS.WritableStream;
  /** Origins beside the runtime's own that may call it (the renderer dev server in dev). */
  extraCorsOrigins?: string[];
  /** `--host`, `--port`, `--apis` from the command line: they win over the config file. */
  flags?: ConfigOverrides;
  /** The environment `API_DEPLOY_*` overrides are read from, as `npm run serve` does. */
  env?: NodeJS.ProcessEnv;
  /**
   * What seals the workspace's secrets file (safeStorage: secret-cipher.ts), asked again at each
   * start and retry (a keychain unlocked meanwhile counts); none keeps them in plain text.
   */
  secretCipher?: () => Promise<SecretCipher | undefined>;
}

/**
 * The options `npm run serve` takes, from the app's command line (`npm start -- --port 9000`):
 * `--config FILE` (the workspace is then its folder), `--host`, `--port`, `--apis`. Anything
 * else (Chromium's switches) is left alone.
 */
export function parseCommandLine(argv: readonly string[]): { config?: string; flags: ConfigOverrides } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      apis: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    config: text(values.config),
    flags: { host: text(values.host), port: text(values.port), apisDir: text(values.apis) },
  };
}

/**
 * Hosts the same runtime as `npm run serve` (src/server/host.ts: one way to read the config
 * and create it), on a workspace's config file, with the app session's admin token. Start-up
 * faults go to `faults` until the runtime serves or the user gives up.
 */
export class RuntimeHost {
  private current: Runtime | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: RuntimeHostOptions) {}

  get runtime(): Runtime | undefined {
    return this.current;
  }

  /** Starts the runtime on a workspace; undefined when it could not and the user gave up. */
  async start(workspace: Workspace): Promise<Runtime | undefined> {
    if (this.current) throw new Error('the runtime is already running');
    const { options } = this;
    // As `npm run serve` reads it: flags, then API_DEPLOY_* variables, over the file.
    const source = resolveConfigSource(
      { ...options.flags, config: workspace.configFile },
      options.env ?? process.env,
    );
    for (;;) {
      let runtime: Runtime | undefined;
      try {
        const secretCipher = await options.secretCipher?.();
        runtime = hostRuntime({
          source,
          outDir: options.outDir,
          workerFile: options.workerFile,
          sessionAdminTokens: [options.sessionToken],
          stdout: options.stdout,
          extraCorsOrigins: options.extraCorsOrigins,
          secretCipher,
        });
        await runtime.start();
        this.current = runtime;
        this.stopping = undefined;
        return runtime;
      } catch (error) {
        // A runtime that failed to start may hold an open log file: close it.
        await runtime?.stop().catch(() => undefined);
        if (error instanceof StartError && error.code === 'EADDRINUSE' && runtime) {
          const { host, port, configPath } = runtime.config;
          const next = await options.faults.portInUse({ host, port, configFile: configPath });
          if (next === undefined) return undefined;
          source.overrides.port = next;
          continue;
        }
        if (error instanceof ConfigError || error instanceof StartError) {
          const answer = await options.faults.cannotStart({
            message: error.message,
            configFile: workspace.configFile,
          });
          if (answer === 'retry') continue;
          return undefined;
        }
        throw error;
      }
    }
  }

  /**
   * Stops the runtime: no new connections, requests in flight finish, workers end, logs are
   * flushed. Calls while it stops share the one stop.
   */
  stop(): Promise<void> {
    const runtime = this.current;
    if (!runtime) return this.stopping ?? Promise.resolve();
    this.stopping ??= runtime.stop().finally(() => {
      if (this.current === runtime) this.current = undefined;
    });
    return this.stopping;
  }

  /** Stops the runtime and starts it again on a (new) workspace. */
  async restart(workspace: Workspace): Promise<Runtime | undefined> {
    await this.stop();
    this.stopping = undefined;
    return this.start(workspace);
  }
}
