import { execFileSync } from 'node:child_process';

/** Builds out/server/cli.js once, for the tests that run the CLI as a user would. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
}
