/**
 * The preload of the app window (built to out/preload/index.cjs: a sandboxed window loads only
 * a CommonJS preload). It exposes `window.apiDeploy`, the small typed surface of
 * src/shared/bridge.ts, and nothing else: each method is one `ipcRenderer.invoke` on its
 * channel, and the main process checks the sender and validates every argument.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_CHANNELS, VERSION_SWITCH, type DesktopBridge } from '../shared/bridge.js';

const versionArgument = process.argv.find((argument) => argument.startsWith(VERSION_SWITCH));

const bridge: Required<DesktopBridge> = {
  appVersion: versionArgument ? versionArgument.slice(VERSION_SWITCH.length) : '',
  getSession: () => ipcRenderer.invoke(BRIDGE_CHANNELS.getSession),
  chooseWorkspace: () => ipcRenderer.invoke(BRIDGE_CHANNELS.chooseWorkspace),
  openFolder: (which) => ipcRenderer.invoke(BRIDGE_CHANNELS.openFolder, which),
};

contextBridge.exposeInMainWorld('apiDeploy', bridge);
