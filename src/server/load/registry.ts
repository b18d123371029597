import type { EndpointInfo, LoadError } from '../../shared/contract.js';
import type { ModuleBuild } from './build.js';
import type { GenerationRunner, RegisteredEndpoint } from './served.js';

export interface ServingModule {
  module: string;
  /** The build serving: the latest, or the last good one when the latest failed. */
  build: ModuleBuild;
  endpoints: RegisteredEndpoint[];
}

/**
 * One immutable generation of the registry, with the worker pool that runs its code. A reload
 * builds the next generation completely and swaps it in at once, so a request sees either the
 * old registry or the new one, never a mix, and runs on the code of the generation it saw.
 */
export class Generation {
  private readonly byPath = new Map<string, RegisteredEndpoint>();

  constructor(
    readonly id: number,
    /** Modules serving in this generation, including last good versions of failing ones. */
    readonly modules: ReadonlyMap<string, ServingModule>,
    /** Modules whose latest version failed to build or load, by module name. */
    readonly failures: ReadonlyMap<string, LoadError>,
    readonly pool: GenerationRunner | undefined,
  ) {
    for (const serving of modules.values()) {
      for (const endpoint of serving.endpoints) this.byPath.set(endpoint.info.path, endpoint);
    }
  }

  static empty(): Generation {
    return new Generation(0, new Map(), new Map(), undefined);
  }

  endpoint(path: string): RegisteredEndpoint | undefined {
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
