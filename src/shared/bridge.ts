/**
 * What the desktop app's preload exposes to the panel as `window.apiDeploy`. The panel runs
 * without it in a browser (`/panel` of a headless server), where the user logs in instead.
 * Each method is one `ipcRenderer.invoke` on a channel of BRIDGE_CHANNELS; the main process
 * validates every argument (src/main/ipc.ts).
 */
export interface DesktopSession {
  /** The runtime's base URL, e.g. `http://127.0.0.1:8000`. */
  runtimeUrl: string;
  /** The admin credential of this app session (in memory only, never in the config file). */
  adminToken: string;
}

/** The folders `openFolder` opens in the system's file manager. */
export const DESKTOP_FOLDERS = ['apis', 'logs', 'workspace'] as const;
export type DesktopFolder = (typeof DESKTOP_FOLDERS)[number];

/** What `chooseWorkspace` did. */
export interface WorkspaceChoice {
  /** False when the user cancelled, or chose the workspace already open. */
  changed: boolean;
  /** The workspace folder in use afterwards. */
  workspace: string;
}

/**
 * The preload implements every method (`Required<DesktopBridge>`); the two workspace methods are
 * optional in this type only so that a panel test may stand in a bridge with the session alone.
 */
export interface DesktopBridge {
  getSession(): Promise<DesktopSession>;
  /** The app's version, e.g. `0.1.0`. */
  appVersion: string;
  /**
   * Asks the user for a workspace folder (created from the template when new) and restarts the
   * runtime on it; the window then reloads the panel from the new runtime.
   */
  chooseWorkspace?(): Promise<WorkspaceChoice>;
  /** Opens a folder of the workspace in the system's file manager. */
  openFolder?(which: DesktopFolder): Promise<void>;
}

/** The IPC channel of each bridge method. */
export const BRIDGE_CHANNELS = {
  getSession: 'api-deploy:get-session',
  chooseWorkspace: 'api-deploy:choose-workspace',
  openFolder: 'api-deploy:open-folder',
} as const;

export type BridgeChannel = (typeof BRIDGE_CHANNELS)[keyof typeof BRIDGE_CHANNELS];

/**
 * The command-line switch that carries the app's version to the preload (a sandboxed preload
 * reads `process.argv`, set from `webPreferences.additionalArguments`, but no file).
 */
export const VERSION_SWITCH = '--api-deploy-version=';
