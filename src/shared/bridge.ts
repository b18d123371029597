/**
 * What the desktop app's preload exposes to the panel as `window.apiDeploy`. The panel runs
 * without it in a browser (`/panel` of a headless server), where the user logs in instead.
 */
export interface DesktopSession {
  /** The runtime's base URL, e.g. `http://127.0.0.1:8000`. */
  runtimeUrl: string;
  /** The admin credential of this app session. */
  adminToken: string;
}

export interface DesktopBridge {
  getSession(): Promise<DesktopSession>;
  appVersion: string;
}
