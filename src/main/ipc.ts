import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import {
  BRIDGE_CHANNELS,
  DESKTOP_FOLDERS,
  type BridgeChannel,
  type DesktopFolder,
  type DesktopSession,
  type WorkspaceChoice,
} from '../shared/bridge.js';
import type { Log } from './faults.js';
import { isTrusted } from './window.js';

/** What the main process does for each bridge method of the preload. */
export interface BridgeHandlers {
  getSession(): DesktopSession | Promise<DesktopSession>;
  chooseWorkspace(): Promise<WorkspaceChoice>;
  openFolder(which: DesktopFolder): Promise<void>;
}

/** Each channel's arguments, exactly: a missing, extra or wrongly typed one is refused. */
const ARGUMENTS = {
  [BRIDGE_CHANNELS.getSession]: z.tuple([]),
  [BRIDGE_CHANNELS.chooseWorkspace]: z.tuple([]),
  [BRIDGE_CHANNELS.openFolder]: z.tuple([z.enum(DESKTOP_FOLDERS)]),
} satisfies Record<BridgeChannel, z.ZodType>;

/** An IPC message the main process refuses; its message is what the renderer's promise rejects with. */
export class IpcRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusal';
  }
}

export interface SenderPolicy {
  /** The window's page, the only one allowed to call (undefined: no window, nobody may). */
  contents(): WebContents | undefined;
  /** The origins its page may be on (the runtime's; in development the renderer dev server's). */
  origins(): readonly string[];
}

/** Refuses a message not sent by the top frame of our window, on one of the app's origins. */
export function checkSender(event: IpcMainInvokeEvent, policy: SenderPolicy): void {
  const contents = policy.contents();
  // Compared by id: Electron may hand out more than one wrapper object for the same page.
  if (!contents || event.sender.id !== contents.id) throw new IpcRefusal('not sent by the app window');
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) throw new IpcRefusal('not sent by the top frame of the app window');
  if (!isTrusted(frame.url, policy.origins())) {
    throw new IpcRefusal(`not sent from the app's own page (${frame.url || 'no URL'})`);
  }
}

const describeIssue = (issue: z.core.$ZodIssue) =>
  `${issue.path.length ? `argument ${Number(issue.path[0]) + 1}: ` : ''}${issue.message}`;

/**
 * Handles one bridge call: the channel must be known, the sender ours, the arguments valid;
 * anything else rejects with a clear error, which is logged.
 */
export async function dispatch(
  handlers: BridgeHandlers,
  policy: SenderPolicy,
  log: Log,
  channel: string,
  event: IpcMainInvokeEvent,
  args: unknown[],
): Promise<unknown> {
  try {
    if (!Object.hasOwn(ARGUMENTS, channel)) throw new IpcRefusal('unknown channel');
    checkSender(event, policy);
    const parsed = ARGUMENTS[channel as BridgeChannel].safeParse(args);
    if (!parsed.success) throw new IpcRefusal(`invalid arguments: ${describeIssue(parsed.error.issues[0]!)}`);
    switch (channel as BridgeChannel) {
      case BRIDGE_CHANNELS.getSession:
        return await handlers.getSession();
      case BRIDGE_CHANNELS.chooseWorkspace:
        return await handlers.chooseWorkspace();
      case BRIDGE_CHANNELS.openFolder:
        return await handlers.openFolder(parsed.data[0] as DesktopFolder);
    }
  } catch (error) {
    if (error instanceof IpcRefusal) {
      log.warn(`IPC ${channel} refused: ${error.message}`);
      throw new IpcRefusal(`${channel}: ${error.message}`);
    }
    log.error(`IPC ${channel} failed`, error);
    throw error;
  }
}

/**
 * Registers a handler on every bridge channel; returns what removes them. A `send` or
 * `sendSync` on any channel is unexpected (the preload only invokes) and is logged; a sync
 * one answers null so the page does not hang.
 */
export function registerBridge(
  ipcMain: IpcMain,
  handlers: BridgeHandlers,
  policy: SenderPolicy,
  log: Log,
): () => void {
  const channels = Object.values(BRIDGE_CHANNELS);
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...args: unknown[]) =>
      dispatch(handlers, policy, log, channel, event, args),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Logs messages a window's page sends outside the bridge (there are none in the app). */
export function watchStrayMessages(contents: WebContents, log: Log): void {
  contents.on('ipc-message', (_event, channel) =>
    log.warn(`IPC message on unexpected channel ${channel} ignored`),
  );
  contents.on('ipc-message-sync', (event, channel) => {
    log.warn(`IPC sync message on unexpected channel ${channel} ignored`);
    event.returnValue = null;
  });
}
