/**
 * What a generation serves, in the words the loader, the workers and the pool share: the
 * loader plans a generation's modules, a worker loads them and reports what each serves, and
 * the registry routes calls to the runner that holds them. Plain data and one interface.
 */
import type { EndpointInfo, LoadError } from '../../shared/contract.js';
import type { ModuleBuild } from './build.js';

export interface WorkerModule {
  /** The build to load. */
  build: ModuleBuild;
  /** The last good build, loaded instead when `build` fails to load. */
  fallback?: ModuleBuild;
}

export interface RegisteredEndpoint {
  info: EndpointInfo;
  /** Per-function time limit from `apiFunction({ timeoutMs })`. */
  timeoutMs?: number;
  /**
   * An `async` function: its calls share a worker, interleaving at each `await`, as Python's
   * original runs coroutines on its event loop. Other functions get a worker of their own per
   * call, as the original runs them in a thread pool.
   */
  async: boolean;
  /**
   * Its module's code names `context` (the module or a helper it bundles): only then is the
   * request's context sent with a call, as it costs on every call.
   */
  usesContext: boolean;
}

/** How each module fared in a worker: what it serves, and the error of its latest build. */
export interface ModuleReport {
  module: string;
  /** Which build serves: the new one, the last good one, or none. */
  serving: 'build' | 'fallback' | 'none';
  endpoints: RegisteredEndpoint[];
  error?: LoadError;
}

/** What a call's function may know of its request (`context()`), sent with the call. */
export interface CallContext {
  requestId: string;
  /** The W3C `traceparent` the call passes on (`context().fetch`): its own span's, or its caller's. */
  traceparent: string | undefined;
  endpoint: string;
  /** Lower-cased, without the credentials (`authorization`, `cookie`, `proxy-authorization`). */
  headers: Record<string, string>;
  client: string | undefined;
  caller: { tokenId: string; label: string; role: 'business' | 'admin' };
  /** When the call's time limit passes (ms since 1970). */
  deadline: number;
}

/** What runs a generation's code (the worker pool, exec/pool.ts), as the registry sees it. */
export interface GenerationRunner {
  /** Calls in progress: running, waiting in a worker, or queued. */
  readonly inProgress: number;
  /**
   * Runs a call; resolves to the result's JSON text or throws an HttpError. `context` is what
   * the function's `context()` tells of its request; `gone` says the client went away.
   */
  call(
    endpoint: RegisteredEndpoint,
    body: Record<string, unknown>,
    timeoutMs: number,
    context: Omit<CallContext, 'deadline'> | undefined,
    gone?: AbortSignal,
  ): Promise<string>;
  /** New values of the workspace's secrets, seen by the calls from now on. */
  updateSecrets(secrets: Record<string, string>): void;
  /** No new calls will come: end once the calls in progress have finished. */
  retire(): void;
  /** Ends at once; calls still running or queued fail. */
  close(): Promise<void>;
}

/** Starts a runner for a generation's modules; throws a LoadHangError if one never finishes loading. */
export type StartRunner = (
  modules: WorkerModule[],
) => Promise<{ pool: GenerationRunner; reports: ModuleReport[] }>;

/** A module that never finished loading (an endless loop at its top level, say). */
export class LoadHangError extends Error {
  constructor(
    /** Its index in the modules given to the runner. */
    readonly moduleIndex: number,
  ) {
    super('module load did not finish');
  }
}
