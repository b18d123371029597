import type { DesktopBridge } from '../../shared/bridge.js';

/** Who the panel talks to and with which admin credential. */
export interface Session {
  /** Base URL of the runtime; empty when the panel is served by the runtime itself. */
  baseUrl: string;
  adminToken: string;
  /** Inside the desktop app: the credential came from the app, there is no login or logout. */
  desktop: boolean;
}

// The admin token typed at the login form lives for this tab only (sessionStorage), never in
// localStorage or a cookie: closing the tab logs out.
const STORAGE_KEY = 'api-deploy.admin-token';

declare global {
  interface Window {
    apiDeploy?: DesktopBridge;
  }
}

/** The session the panel starts with: the desktop app's, or a login kept from earlier in this tab. */
export async function initialSession(): Promise<Session | undefined> {
  const bridge = window.apiDeploy;
  if (bridge) {
    const { runtimeUrl, adminToken } = await bridge.getSession();
    return { baseUrl: runtimeUrl.replace(/\/$/, ''), adminToken, desktop: true };
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return stored ? browserSession(stored) : undefined;
}

export function browserSession(adminToken: string): Session {
  return { baseUrl: '', adminToken, desktop: false };
}

export function rememberLogin(session: Session): void {
  if (!session.desktop) sessionStorage.setItem(STORAGE_KEY, session.adminToken);
}

export function forgetLogin(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
