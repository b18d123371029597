import type { ReloadResult } from '../../shared/contract.js';
import type { TokenStore } from '../auth/tokens.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logs/logger.js';
import type { Generation } from '../modules/registry.js';

/** What one request reads: taken once per request, so a reload mid-request does not mix states. */
export interface RuntimeState {
  config: Config;
  tokens: TokenStore;
  generation: Generation;
}

export interface ReloadConfigResult {
  message: string;
  /** Top-level keys whose value changed. */
  changed: string[];
  /** Keys that changed but take effect only after a restart (host, port). */
  restartRequired: string[];
  reload?: ReloadResult;
}

/** The runtime as the HTTP layer sees it. */
export interface RuntimeContext {
  state(): RuntimeState;
  reload(): Promise<ReloadResult>;
  reloadConfig(): Promise<ReloadConfigResult>;
  readonly startedAt: number;
  readonly logger: Logger;
  readonly version: string;
}
