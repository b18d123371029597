/**
 * What crosses between the main thread and the workers: plain data only, kept small on the
 * hot path (a call is a 4-element array there and a 3-element one back).
 */
import type { ErrorDetail } from '../../shared/contract.js';
import type { CallContext, ModuleReport, WorkerModule } from '../load/served.js';

/** Given to every worker when it starts, before it has any user code. */
export interface WorkerStart {
  /** Where the worker stamps its event loop's progress (see heartbeat.ts). */
  heartbeats: SharedArrayBuffer;
  heartbeatEpoch: number;
  slot: number;
}

/** Main → worker, once: the modules of the generation the worker now serves. */
export interface LoadMessage {
  type: 'load';
  apisDir: string;
  /** The workspace's own npm packages, where imports are looked for first. */
  packagesDir: string;
  modules: WorkerModule[];
  /**
   * Slot 0 holds 1 + the index of the module being loaded (0 when done), so the main thread can
   * name the module that hangs while loading.
   */
  progress: SharedArrayBuffer;
  /** The workspace's secrets, by name. */
  secrets: Record<string, string>;
  /** This worker's claim slots for the plain calls waiting in it (pool.ts). */
  claims?: Int32Array;
}

/** A claim slot's value once the worker has started its call. */
export const CLAIMED = -1;

/** Main → worker: the secrets changed; the next reads see these. */
export interface SecretsMessage {
  type: 'secrets';
  secrets: Record<string, string>;
}

/** Main → worker: run a call. */
export type CallMessage = [
  id: number,
  path: string,
  body: Record<string, unknown>,
  /** Only for an endpoint whose module uses context() (RegisteredEndpoint.usesContext). */
  context: CallContext | undefined,
  /**
   * Set for a plain call sent to wait behind another: its slot in the worker's claims (see
   * LoadMessage.claims). The worker runs it only if it can swap the call's id there for CLAIMED.
   */
  claimSlot: number | undefined,
];

/** Main → worker: the caller went away: the call's signal is aborted. */
export interface AbortMessage {
  type: 'abort';
  id: number;
}

/** Worker → main: a line of a function's own log (`context().log`). */
export interface AppLogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  requestId: string;
  endpoint: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** Worker → main: the worker is booted (no modules yet). */
export interface BootedMessage {
  type: 'booted';
}

/** Worker → main: the modules are loaded, and how each fared. */
export interface LoadedMessage {
  type: 'loaded';
  reports: ModuleReport[];
}

/** Worker → main: the answer to a call. */
export type ResultMessage =
  [id: number, ok: true, json: string] | [id: number, ok: false, failure: CallFailure];

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
