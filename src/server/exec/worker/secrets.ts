/**
 * The workspace's secrets inside a worker: what `secret()` and `env` from `api-deploy` read
 * (through a registered symbol, as public.ts has no imports), mirrored in `process.env` for
 * libraries that read it there. The worker's `process.env` is its own copy: nothing leaks to the
 * server's. A new set replaces the old one between calls' steps, never in the middle of a read.
 */
let current: Readonly<Record<string, string>> = Object.freeze({});

(globalThis as Record<symbol, unknown>)[Symbol.for('api-deploy.secrets')] = () => current;

export function applySecrets(values: Record<string, string>): void {
  for (const name of Object.keys(current)) if (!(name in values)) delete process.env[name];
  for (const [name, value] of Object.entries(values)) process.env[name] = value;
  current = Object.freeze({ ...values });
}
