import type { EndpointInfo, LoadError } from '../../shared/contract.js';

export interface Endpoint {
  info: EndpointInfo;
  /** Per-function time limit from `apiFunction({ timeoutMs })`. */
  timeoutMs?: number;
  /** Validates a request's `body`; returns the arguments, or throws a VALIDATION_ERROR. */
  parse(body: Record<string, unknown>): unknown[];
  /** The user's function. */
  fn: (...args: unknown[]) => unknown;
}

export interface LoadedModule {
  module: string;
  file: string;
  relativeFile: string;
  endpoints: Endpoint[];
  /** Absolute paths of the user files this module is built from (itself and its helpers). */
  inputs: string[];
  loadedAt: number;
}

/**
 * One immutable generation of the registry. A reload builds the next generation completely and
 * swaps it in at once, so a request sees either the old registry or the new one, never a mix.
 */
export class Generation {
  private readonly byPath = new Map<string, Endpoint>();

  constructor(
    readonly id: number,
    /** Modules serving in this generation, including last good versions of failing ones. */
    readonly modules: ReadonlyMap<string, LoadedModule>,
    /** Modules whose latest load failed, by module name. */
    readonly failures: ReadonlyMap<string, LoadError>,
  ) {
    for (const loaded of modules.values()) {
      for (const endpoint of loaded.endpoints) this.byPath.set(endpoint.info.path, endpoint);
    }
  }

  static empty(): Generation {
    return new Generation(0, new Map(), new Map());
  }

  endpoint(path: string): Endpoint | undefined {
    return this.byPath.get(path);
  }

  /** The failure of the module a path would belong to, when that module has no good version. */
  unavailable(path: string): LoadError | undefined {
    const module = path.slice(1, path.lastIndexOf('/'));
    return this.modules.has(module) ? undefined : this.failures.get(module);
  }

  get endpoints(): EndpointInfo[] {
    return [...this.byPath.values()].map((endpoint) => endpoint.info);
  }
}
