import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { PackageInfo, PackageJob } from '../../shared/admin-api.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { HttpError } from '../core/errors.js';
import { runNpm, type NpmCommand } from './npm.js';
import { checkPackageName, parsePackageSpec } from './package-spec.js';
import { plainNpmError } from './npm-errors.js';

/** Jobs remembered for the panel (the newest). */
const JOBS_KEPT = 20;
/** npm output lines kept per job (the last ones). */
const OUTPUT_LINES_KEPT = 500;

const manifestSchema = z.looseObject({ dependencies: z.record(z.string(), z.string()).optional() });
const installedSchema = z.looseObject({ version: z.string() });

export interface PackageManagerOptions {
  /** `.api-deploy/packages` of the workspace. */
  dir: string;
  /** How npm is run; none when it cannot be found (then every change is a 503). */
  npm: NpmCommand | undefined;
  /** Runs after a change landed: the reload that lets modules use (or lose) the package. */
  afterChange(): Promise<PackageJob['reload']>;
  /** How long one npm run may take. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

type JobListener = (job: PackageJob, line?: string) => void;

/**
 * The workspace's npm packages: a `package.json` and `node_modules` of their own, created on
 * first install. Changes are jobs, run by npm one at a time, in a copy of the folder that
 * replaces it only when npm succeeded: a failed install leaves the packages as they were, and
 * the modules using them working.
 */
export class PackageManager {
  private readonly jobs: PackageJob[] = [];
  private readonly listeners = new Set<JobListener>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PackageManagerOptions) {}

  /** Whether npm was found, so changes can run. */
  get npmAvailable(): boolean {
    return this.options.npm !== undefined;
  }

  /** The packages package.json wants, with the version node_modules has. */
  async list(): Promise<PackageInfo[]> {
    const wanted = (await this.readManifest())?.dependencies ?? {};
    return Promise.all(
      Object.entries(wanted)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(async ([name, range]) => ({
          name,
          wanted: this.absoluteFile(range),
          installed: await this.installedVersion(name),
        })),
    );
  }

  /** Queues an install; the name and version are checked before anything runs. */
  install(name: string, version?: string): PackageJob {
    const { spec, wanted } = parsePackageSpec(name, version);
    this.needNpm();
    return this.enqueue({ action: 'install', name, wanted }, ['install', spec, '--save']);
  }

  /** Queues a removal of a package package.json has. */
  async remove(name: string): Promise<PackageJob> {
    checkPackageName(name);
    const wanted = (await this.readManifest())?.dependencies ?? {};
    if (!(name in wanted)) throw new HttpError('PACKAGE_NOT_FOUND', `The workspace has no package ${name}`);
    this.needNpm();
    return this.enqueue({ action: 'remove', name }, ['uninstall', name, '--save']);
  }

  job(id: string): PackageJob {
    const job = this.jobs.find((candidate) => candidate.id === id);
    if (!job) throw new HttpError('PACKAGE_JOB_NOT_FOUND', `No install or removal ${id}`);
    return job;
  }

  /** The recent jobs, newest first. */
  recentJobs(): PackageJob[] {
    return [...this.jobs].reverse();
  }

  /** Each job's new output line, and each change of its state, until the returned call. */
  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every job queued so far has ended. */
  settled(): Promise<unknown> {
    return this.queue;
  }

  private needNpm(): void {
    if (!this.options.npm) throw new HttpError('NPM_UNAVAILABLE');
  }

  private enqueue(what: Pick<PackageJob, 'action' | 'name' | 'wanted'>, args: string[]): PackageJob {
    const job: PackageJob = {
      id: randomUUID(),
      ...what,
      state: 'queued',
      output: [],
      queuedAt: new Date().toISOString(),
    };
    this.jobs.push(job);
    if (this.jobs.length > JOBS_KEPT) this.jobs.splice(0, this.jobs.length - JOBS_KEPT);
    const run = this.queue.then(() => this.run(job, args));
    this.queue = run.catch(() => undefined);
    return job;
  }

  private async run(job: PackageJob, args: string[]): Promise<void> {
    this.setState(job, 'running');
    const staging = `${this.options.dir}.next`;
    try {
      await this.recover();
      await this.stage(staging);
      const code = await this.npm(job, args, staging);
      if (code !== 0) throw new Error(plainNpmError(job.output, code, job.name, job.wanted));
      await this.swapIn(staging);
    } catch (error) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      job.error = (error as Error).message;
      this.setState(job, 'failed');
      return;
    }
    try {
      job.reload = await this.options.afterChange();
    } catch (error) {
      this.line(job, `the reload after the change failed: ${(error as Error).message}`);
    }
    this.setState(job, 'succeeded');
  }

  /** A copy of the packages folder for npm to change (a fresh one on the first install). */
  private async stage(staging: string): Promise<void> {
    await rm(staging, { recursive: true, force: true });
    if (await this.readManifest()) {
      await cp(this.options.dir, staging, { recursive: true, verbatimSymlinks: true });
    } else {
      await mkdir(staging, { recursive: true });
      const manifest = {
        name: 'api-deploy-workspace',
        private: true,
        description: "The npm packages of this API Deploy workspace's modules (managed by API Deploy)",
        dependencies: {},
      };
      await writeFileAtomic(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }

  private npm(job: PackageJob, args: string[], cwd: string): Promise<number | null> {
    const { npm, timeoutMs = 10 * 60_000, env } = this.options;
    const run = runNpm(npm!, [...args, '--loglevel=http'], cwd, (line) => this.line(job, line), env);
    const timer = setTimeout(() => {
      this.line(job, `npm did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`);
      run.kill();
    }, timeoutMs);
    return run.exited.finally(() => clearTimeout(timer));
  }

  /**
   * The changed copy takes the folder's place: two renames, the old folder kept aside until
   * the new one is in (and put back if it cannot be).
   */
  private async swapIn(staging: string): Promise<void> {
    const { dir } = this.options;
    const old = `${dir}.old`;
    await rm(old, { recursive: true, force: true });
    const hadOne = (await this.readManifest()) !== undefined;
    if (hadOne) await rename(dir, old);
    try {
      await rename(staging, dir);
    } catch (error) {
      if (hadOne) await rename(old, dir);
      throw error;
    }
    await rm(old, { recursive: true, force: true });
  }

  /** After a crash between the two renames: the old folder, kept aside, comes back. */
  private async recover(): Promise<void> {
    const { dir } = this.options;
    const old = `${dir}.old`;
    if ((await this.readManifest()) === undefined && (await readManifestIn(old)) !== undefined) {
      await rm(dir, { recursive: true, force: true });
      await rename(old, dir);
    }
  }

  /** npm saves a tarball's path relative to the folder: shown absolute, as it was given. */
  private absoluteFile(wanted: string): string {
    if (!wanted.startsWith('file:') || path.isAbsolute(wanted.slice(5))) return wanted;
    return `file:${path.resolve(this.options.dir, wanted.slice(5))}`;
  }

  private readManifest() {
    return readManifestIn(this.options.dir);
  }

  private async installedVersion(name: string): Promise<string | undefined> {
    try {
      const text = await readFile(path.join(this.options.dir, 'node_modules', name, 'package.json'), 'utf8');
      return installedSchema.parse(JSON.parse(text)).version;
    } catch {
      return undefined;
    }
  }

  private line(job: PackageJob, line: string): void {
    job.output.push(line);
    if (job.output.length > OUTPUT_LINES_KEPT) job.output.splice(0, job.output.length - OUTPUT_LINES_KEPT);
    for (const listener of this.listeners) listener(job, line);
  }

  private setState(job: PackageJob, state: PackageJob['state']): void {
    job.state = state;
    if (state === 'running') job.startedAt = new Date().toISOString();
    if (state === 'succeeded' || state === 'failed') job.endedAt = new Date().toISOString();
    for (const listener of this.listeners) listener(job);
  }
}

/** The folder's package.json, if it has a readable one. */
async function readManifestIn(dir: string): Promise<z.infer<typeof manifestSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return manifestSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(
      `${path.join(dir, 'package.json')} is not a valid package.json: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
