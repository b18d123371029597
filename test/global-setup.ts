import { execFileSync } from 'node:child_process';
import { build } from 'electron-vite';

/**
 * Builds once for all test files: out/server (the CLI tests run it as a user would) and
 * out/renderer (the control panel the browser tests open at /panel), as `npm run build` does.
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
  await build({ logLevel: 'warn' });
}
