import path from 'node:path';

/**
 * The runtime's own data in a workspace (the folder of the config file): beside `apis/`, never
 * inside it, so neither the watcher nor the files API sees it.
 */
export const dataDirOf = (baseDir: string): string => path.join(baseDir, '.api-deploy');

/**
 * The workspace's npm packages: a `package.json` and `node_modules` of their own, apart from
 * whatever project the workspace sits in (this repository's dependencies are not the user's).
 */
export const packagesDirOf = (baseDir: string): string => path.join(dataDirOf(baseDir), 'packages');
