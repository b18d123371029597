// Types of electron-binary.mjs, for the tests (the script itself runs as plain JavaScript).
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };
export function electronPackageDir(from?: string | URL): string | undefined;
export function findElectronBinary(options?: {
  electronDir?: string | null;
  env?: NodeJS.ProcessEnv;
}): ElectronBinary;
export function noDisplay(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string | undefined;
