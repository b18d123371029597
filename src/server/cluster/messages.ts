import { z } from 'zod';
import { announcementSchema } from '../replicas/bus.js';

/**
 * What a cluster's runtime processes and their primary say to each other over node:cluster's
 * IPC channel. Every message is checked on arrival; one that does not parse is someone else's
 * (a library's) and is ignored.
 */

/** The variable that gives a forked runtime process its number (1..N), kept by its replacement. */
export const PROCESS_NUMBER_VARIABLE = 'API_DEPLOY_PROCESS';

/** From a runtime process to the primary. */
export const memberMessageSchema = z.discriminatedUnion('type', [
  /** It serves; `summary` is the banner it would have printed alone. */
  z.strictObject({ type: z.literal('ready'), summary: z.string() }),
  /** It could not start (a port in use, say): the one line to print. */
  z.strictObject({ type: z.literal('failed'), message: z.string() }),
  /** Tell the other processes (the primary relays it to each). */
  z.strictObject({ type: z.literal('announce'), announcement: announcementSchema }),
]);
export type MemberMessage = z.infer<typeof memberMessageSchema>;

/** From the primary to a runtime process. */
export const primaryMessageSchema = z.discriminatedUnion('type', [
  /** Finish the requests in flight, then exit. */
  z.strictObject({ type: z.literal('stop') }),
  /** Another process's announcement (the replicas' kind: see replicas/bus.ts). */
  z.strictObject({ type: z.literal('announce'), announcement: announcementSchema }),
]);
export type PrimaryMessage = z.infer<typeof primaryMessageSchema>;
