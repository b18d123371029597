import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Node's permission model for the workers that run API functions (`restrictWorkers`): they may
 * read the APIs folder, the packages Node would resolve from it and the worker script's own
 * folder, and nothing else; they may write no file, start no process or worker and load no
 * native addon. The config file with its tokens, the logs and the rest of the disk are out of
 * reach of `fs`. Network access is not covered by Node's model. The HTTP thread is not
 * restricted: it writes logs, config and the files the editor saves.
 */
export function permissionArgs(workerFile: string, apisDir: string, packagesDir: string): string[] {
  // Node 20 knows the model as --experimental-permission; 22.13 and later as --permission.
  const flag = process.allowedNodeEnvironmentFlags.has('--permission')
    ? '--permission'
    : '--experimental-permission';
  const readable = new Set([
    path.dirname(workerFile),
    apisDir,
    ...nodeModulesAbove(apisDir),
    path.join(packagesDir, 'node_modules'),
  ]);
  // The model compares paths as given; a folder reached through a link is allowed by both names.
  for (const folder of [...readable]) readable.add(realOrSame(folder));
  return [
    flag,
    ...[...readable].map((folder) => `--allow-fs-read=${folder}`),
    // Node 20 warns, in each worker, that the model is experimental.
    '--disable-warning=ExperimentalWarning',
  ];
}

/** The node_modules folders Node looks in for a package imported from `dir`, nearest first. */
function nodeModulesAbove(dir: string): string[] {
  const folders: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (path.basename(current) !== 'node_modules') folders.push(path.join(current, 'node_modules'));
    if (path.dirname(current) === current) return folders;
  }
}

function realOrSame(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}
