import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isUnguessable } from '../auth/strength.js';
import { newTokenValue } from '../auth/tokens.js';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import { writeFileAtomic } from '../core/atomic-write.js';

/** `api-deploy init`'s inputs: where, and the installed package's files it points at. */
export interface InitOptions {
  /** The workspace folder (made if missing). */
  dir: string;
  /** The example module to copy to `apis/template.ts` (the package's own). */
  templateFile: string;
  /** The declaration of `api-deploy` (out/server/api-deploy.d.ts) the editor's tsconfig maps to. */
  typesFile: string;
  /** The folder of the zod the runtime gives modules, for the editor's tsconfig. */
  zodDir: string;
  /**
   * `API_DEPLOY_ADMIN_TOKEN` and `API_DEPLOY_TOKEN` are taken as the tokens when set (an
   * orchestrator's secret); otherwise fresh random ones are made.
   */
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  /** What was written, relative to the workspace (forward slashes). */
  created: string[];
  /** What was there already and is left as it was. */
  kept: string[];
  /** The tokens made here (undefined when taken from the environment: the caller has them). */
  generated: { admin?: string; business?: string };
}

/** The workspace cannot be made (a config already there, a weak token given): one line to print. */
export class InitError extends Error {
  override name = 'InitError';
}

/** What a workspace keeps out of version control: logs, the secrets, the runtime's own data. */
const GITIGNORE = ['logs/', 'api-deploy.secrets.json', '.api-deploy/'];

/**
 * Makes a workspace: `api-deploy.config.json` with its own tokens, `apis/template.ts`, a
 * `.gitignore` and a `tsconfig.json` so an editor knows `api-deploy` and `zod`. Refuses when the
 * folder already has a config; other files already there are kept (the `.gitignore` gets the
 * lines it lacks).
 */
export async function initWorkspace(options: InitOptions): Promise<InitResult> {
  const { dir, env = process.env } = options;
  const configFile = path.join(dir, DEFAULT_CONFIG_FILE);
  if (await exists(configFile)) {
    throw new InitError(`${configFile} already exists: this folder is a workspace already (nothing changed)`);
  }
  const admin = tokenFrom(env, 'API_DEPLOY_ADMIN_TOKEN');
  const business = tokenFrom(env, 'API_DEPLOY_TOKEN');
  const generated = {
    admin: admin ? undefined : newTokenValue(),
    business: business ? undefined : newTokenValue(),
  };
  const result: InitResult = { created: [], kept: [], generated };

  await mkdir(path.join(dir, 'apis'), { recursive: true });
  const writeNew = async (relative: string, content: string) => {
    const file = path.join(dir, relative);
    if (await exists(file)) return void result.kept.push(relative);
    await writeFile(file, content, { flag: 'wx' });
    result.created.push(relative);
  };
  await writeNew('apis/template.ts', await readFile(options.templateFile, 'utf8'));
  await writeNew('tsconfig.json', `${JSON.stringify(editorConfig(options), null, 2)}\n`);
  await gitignore(path.join(dir, '.gitignore'), result);

  // Last, so a failure before it leaves a folder `init` can be run in again. It holds tokens: 0600.
  const config = {
    host: '127.0.0.1',
    port: 8000,
    validTokens: [{ token: business ?? generated.business, label: 'business' }],
    adminTokens: [{ token: admin ?? generated.admin, label: 'admin' }],
    hotReload: true,
    apisDir: 'apis',
  };
  await writeFileAtomic(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  result.created.unshift(DEFAULT_CONFIG_FILE);
  return result;
}

function tokenFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!isUnguessable(value)) {
    throw new InitError(
      `${name} is too easy to guess (at least 20 random characters): leave it unset for a random token`,
    );
  }
  return value;
}

/**
 * The editor's TypeScript settings: the modules' own (ES modules, strict), and where
 * `api-deploy` and `zod` are, as the runtime provides them: neither is installed in the
 * workspace, so they are mapped to the installed package's files, relative to the workspace.
 */
function editorConfig({ dir, typesFile, zodDir }: InitOptions) {
  // Relative when the two share a folder (a local install beside the workspace, so the pair
  // can move together), else absolute (a global install).
  const relative = (target: string) => {
    const link = path.relative(dir, target);
    const ups = link.split(path.sep).filter((segment) => segment === '..').length;
    if (path.isAbsolute(link) || ups >= path.resolve(dir).split(path.sep).filter(Boolean).length) {
      return target.split(path.sep).join('/');
    }
    const posix = link.split(path.sep).join('/');
    return posix.startsWith('.') ? posix : `./${posix}`;
  };
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      paths: {
        'api-deploy': [relative(typesFile)],
        zod: [relative(zodDir)],
        'zod/*': [`${relative(zodDir)}/*`],
      },
    },
    include: ['apis'],
  };
}

async function gitignore(file: string, result: InitResult): Promise<void> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  const lines = new Set((existing ?? '').split(/\r?\n/).map((line) => line.trim()));
  const missing = GITIGNORE.filter((line) => !lines.has(line));
  if (existing === undefined) {
    await writeFile(file, `${GITIGNORE.join('\n')}\n`);
    result.created.push('.gitignore');
  } else if (missing.length > 0) {
    const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
    await writeFile(file, `${existing}${separator}${missing.join('\n')}\n`);
    result.created.push('.gitignore (lines added)');
  } else {
    result.kept.push('.gitignore');
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );
