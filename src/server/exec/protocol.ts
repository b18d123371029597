/**
 * What crosses between the main thread and the workers of a generation: plain data only.
 */
import type { EndpointInfo, ErrorDetail, LoadError } from '../../shared/contract.js';
import type { ModuleBuild } from '../modules/build.js';

export interface WorkerModule {
  /** The build to load. */
  build: ModuleBuild;
  /** The last good build, loaded instead when `build` fails to load. */
  fallback?: ModuleBuild;
}

export interface WorkerData {
  apisDir: string;
  modules: WorkerModule[];
  /**
   * Slot 0 holds 1 + the index of the module being loaded (0 when done), so the main thread can
   * name the module that hangs while loading.
   */
  progress: SharedArrayBuffer;
}

export interface RegisteredEndpoint {
  info: EndpointInfo;
  /** Per-function time limit from `apiFunction({ timeoutMs })`. */
  timeoutMs?: number;
}

/** How each module fared in a worker: what it serves, and the error of its latest build. */
export interface ModuleReport {
  module: string;
  /** Which build serves: the new one, the last good one, or none. */
  serving: 'build' | 'fallback' | 'none';
  endpoints: RegisteredEndpoint[];
  error?: LoadError;
}

export type Task = { kind: 'describe' } | { kind: 'call'; path: string; body: Record<string, unknown> };

export interface CallFailure {
  code: string;
  status: number;
  message: string;
  details?: ErrorDetail[];
  /** Whether the message is meant for the caller even outside debug mode (validation, ApiError). */
  expose: boolean;
  /** The user error's stack, for the log only. */
  stack?: string;
}

export type CallResult = { ok: true; json: string } | { ok: false; failure: CallFailure };
