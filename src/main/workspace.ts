import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';
import {
  writeFileAtomic,
  newTokenValue,
  DEFAULT_CONFIG_FILE,
  validateConfig,
  type ConfigFile,
} from '../server/index.js';

/** A folder the desktop app runs the runtime on: its config file, its modules, its logs. */
export interface Workspace {
  dir: string;
  configFile: string;
  apisDir: string;
  logsDir: string;
}

export function workspaceAt(dir: string, configFile = DEFAULT_CONFIG_FILE): Workspace {
  const root = path.resolve(dir);
  return {
    dir: root,
    configFile: path.resolve(root, configFile),
    apisDir: path.join(root, 'apis'),
    logsDir: path.join(root, 'logs'),
  };
}

/** The tokens of a new workspace: random and strong, never the documented defaults. */
function freshTokens(created: string): Pick<ConfigFile, 'validTokens' | 'adminTokens'> {
  return {
    validTokens: [{ token: newTokenValue(), label: 'business token', created }],
    adminTokens: [{ token: newTokenValue(), label: 'admin token', created }],
  };
}

/**
 * A new workspace's config: the repository's api-deploy.config.json (`template`, its content
 * when the app ships it), but with tokens of its own, random and strong: never the documented
 * defaults, which anyone who read the README knows.
 */
export function templateConfig(template?: Record<string, unknown>, now = new Date()): ConfigFile {
  const tokens = freshTokens(now.toISOString());
  if (template) return { ...template, ...tokens } as ConfigFile;
  return {
    host: '127.0.0.1',
    port: 8000,
    ...tokens,
    hotReload: true,
    debug: true,
    apisDir: 'apis',
    functionTimeoutMs: 30_000,
    maxBodyBytes: 1_048_576,
    logging: {
      enableRequestLogging: true,
      logToFile: true,
      logRequestBody: true,
      logResponseData: false,
      logMaxBodySize: 1000,
      logFilePath: 'logs/api_{date}.log',
      logRotation: '1 day',
      logRetention: '30 days',
    },
  };
}

/** What a new workspace is made from: files the app ships (either may be absent). */
export interface WorkspaceTemplate {
  /** The example module, copied to `apis/` (apis/template.ts). */
  module?: string;
  /** The config file its config is modelled on (api-deploy.config.json); its tokens are replaced. */
  config?: string;
}

/** The template's config file as an object, or undefined when absent or not valid. */
async function readTemplateConfig(file: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!file) return undefined;
  try {
    const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    const config = templateConfig(raw as Record<string, unknown>);
    validateConfig(config, file);
    return raw as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Makes a folder a workspace unless it is one (it has a config file): then nothing is touched.
 * Creates `apis/` with the template module (never over a file of the same name), `logs/`, and
 * last the config file (atomically), so that a creation cut short is done again at the next
 * start. Resolves whether it created one.
 */
export async function ensureWorkspace(
  workspace: Workspace,
  template: WorkspaceTemplate = {},
): Promise<boolean> {
  if (await exists(workspace.configFile)) return false;
  await mkdir(workspace.apisDir, { recursive: true });
  await mkdir(workspace.logsDir, { recursive: true });
  if (template.module && (await exists(template.module))) {
    try {
      await copyFile(
        template.module,
        path.join(workspace.apisDir, path.basename(template.module)),
        constants.COPYFILE_EXCL,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const config = templateConfig(await readTemplateConfig(template.config));
  validateConfig(config, workspace.configFile); // the template must pass start-up's own checks
  await writeFileAtomic(workspace.configFile, `${JSON.stringify(config, null, 2)}\n`);
  return true;
}

const settingsSchema = z.object({
  /** The workspace folder, absolute. */
  workspace: z
    .string()
    .min(1)
    .refine((value) => path.isAbsolute(value))
    .optional(),
});

/** The app's own settings (`userData/settings.json`). */
export type Settings = z.output<typeof settingsSchema>;

/** The settings; a missing or bad file gives none (the first-run path). */
export async function readSettings(file: string): Promise<Settings> {
  return (await readJsonFile(file, settingsSchema)) ?? {};
}

export function writeSettings(file: string, settings: Settings): Promise<void> {
  return writeJsonFile(file, settings);
}

export interface ResolveWorkspaceOptions {
  /** `app.isPackaged`: a development run uses the repository as its workspace. */
  isPackaged: boolean;
  /** The repository (`app.getAppPath()` in development). */
  appDir: string;
  settingsFile: string;
  /** Where the first run offers to put the workspace (`<documents>/API Deploy`). */
  defaultDir: string;
  template?: WorkspaceTemplate;
  /** Asks the user where the workspace goes, offering `defaultDir`; undefined: they quit. */
  firstRun(defaultDir: string): Promise<string | undefined>;
}

/**
 * The workspace to start on. In development, the repository's own. Packaged: the one
 * remembered in the settings if its folder is still there, else (first run, a bad settings
 * file, a folder gone) the one the user chooses, created from the template and remembered.
 * Undefined when the user quits instead of choosing.
 */
export async function resolveWorkspace(options: ResolveWorkspaceOptions): Promise<Workspace | undefined> {
  if (!options.isPackaged) return workspaceAt(options.appDir);
  const { workspace: remembered } = await readSettings(options.settingsFile);
  if (remembered && (await exists(remembered))) {
    const workspace = workspaceAt(remembered);
    await ensureWorkspace(workspace, options.template);
    return workspace;
  }
  const chosen = await options.firstRun(options.defaultDir);
  if (!chosen) return undefined;
  return adoptWorkspace(chosen, options);
}

/** Makes a chosen folder the workspace: created from the template if new, and remembered. */
export async function adoptWorkspace(
  dir: string,
  options: Pick<ResolveWorkspaceOptions, 'settingsFile' | 'template'> & { remember?: boolean },
): Promise<Workspace> {
  const workspace = workspaceAt(dir);
  await ensureWorkspace(workspace, options.template);
  if (options.remember !== false) await rememberWorkspace(options.settingsFile, workspace);
  return workspace;
}

/** Remembers the workspace in the settings, for the next start. */
export async function rememberWorkspace(settingsFile: string, workspace: Workspace): Promise<void> {
  const settings = await readSettings(settingsFile);
  await writeSettings(settingsFile, { ...settings, workspace: workspace.dir });
}

/**
 * The first run's question: where the workspace goes. Offers `defaultDir`, another folder
 * (a folder picker), or quitting (undefined).
 */
export async function askFirstWorkspace(defaultDir: string): Promise<string | undefined> {
  for (;;) {
    const { response } = await dialog.showMessageBox({
      type: 'info',
      title: 'Welcome to API Deploy',
      message: 'Where should API Deploy keep your APIs?',
      detail:
        'A workspace folder holds the config file (with your tokens), your API modules in apis/ and the logs in logs/. ' +
        `A new one starts with an example module.\n\nSuggested: ${defaultDir}`,
      buttons: ['Use the suggested folder', 'Choose another folder…', 'Quit'],
      defaultId: 0,
      cancelId: 2,
    });
    if (response === 0) return defaultDir;
    if (response !== 1) return undefined;
    const chosen = await askWorkspaceFolder(path.dirname(defaultDir));
    if (chosen) return chosen;
  }
}

/** A folder picker for the workspace; undefined when cancelled. */
export async function askWorkspaceFolder(
  defaultPath: string,
  parent?: BrowserWindow,
): Promise<string | undefined> {
  const options: OpenDialogOptions = {
    title: 'Choose a workspace folder',
    buttonLabel: 'Use this folder',
    defaultPath,
    properties: ['openDirectory', 'createDirectory'],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}
