import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where esbuild's native binary is in a packaged app: unpacked beside app.asar (electron-builder's
 * `asarUnpack`), since a program inside the archive cannot be spawned. Undefined when absent.
 */
export function unpackedEsbuildBinary(
  resourcesPath: string,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string | undefined {
  const binary = platform === 'win32' ? 'esbuild.exe' : path.join('bin', 'esbuild');
  const file = path.join(
    resourcesPath,
    'app.asar.unpacked',
    'node_modules',
    '@esbuild',
    `${platform}-${arch}`,
    binary,
  );
  return existsSync(file) ? file : undefined;
}
