import { HttpError } from '../core/errors.js';
import { DEFAULT_ADMIN_TOKEN, type Config } from '../config/schema.js';
import { entryValue } from './tokens.js';

/** Whether a host only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Why this config must not serve on `host`, if it must not: the documented admin token off this machine. */
export function publicDefaultTokenProblem(host: string, config: Config): string | undefined {
  if (isLoopback(host) || !config.adminTokens.some((entry) => entryValue(entry) === DEFAULT_ADMIN_TOKEN))
    return undefined;
  return `refusing to listen on ${host}: the admin token is still the documented default "${DEFAULT_ADMIN_TOKEN}", which anyone who read the README knows; set your own in "adminTokens" (or listen on 127.0.0.1)`;
}

/**
 * Refuses (422 INVALID_CONFIG, `refused` saying what was not done) a config that must not serve:
 * the documented admin token while the server listens beyond this machine (`serving`), or
 * would after a restart (the config's own `host`).
 */
export function refuseExposure(next: Config, serving: string, refused: string): void {
  const problem = publicDefaultTokenProblem(serving, next);
  const hostProblem = problem ? undefined : publicDefaultTokenProblem(next.host, next);
  if (problem || hostProblem) {
    throw new HttpError('INVALID_CONFIG', `${refused}: ${problem ?? hostProblem}`, [
      { path: problem ? 'adminTokens' : 'host', message: (problem ?? hostProblem)! },
    ]);
  }
}
