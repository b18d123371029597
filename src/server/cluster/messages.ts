import { z } from 'zod';
import type { GenerationPlan } from '../load/loader.js';
import { announcementSchema } from '../replicas/bus.js';

/**
 * What a cluster's runtime processes and their primary say to each other over node:cluster's
 * IPC channel. Every message is checked on arrival; one that does not parse is someone else's
 * (a library's) and is ignored.
 */

/** The variable that gives a forked runtime process its number (1..N), kept by its replacement. */
export const PROCESS_NUMBER_VARIABLE = 'API_DEPLOY_PROCESS';

const loadErrorSchema = z.strictObject({
  module: z.string(),
  file: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  message: z.string(),
  missingPackage: z.string().optional(),
});

const moduleBuildSchema = z.strictObject({
  module: z.string(),
  file: z.string(),
  relativeFile: z.string(),
  code: z.string(),
  map: z.string(),
  inputs: z.record(z.string(), z.string()),
  filename: z.string(),
  source: z.string(),
  // A signature's type IR is the compiling process's own output: its kind is checked, not its depth.
  signatures: z.record(z.string(), z.looseObject({ kind: z.enum(['signature', 'problem']) })),
});

/** A generation's plan as the compiling process sends it (load/loader.ts: GenerationPlan). */
const planSchema = z
  .strictObject({
    unservable: z.array(loadErrorSchema),
    results: z.array(
      z.union([z.strictObject({ build: moduleBuildSchema }), z.strictObject({ error: loadErrorSchema })]),
    ),
    compiled: z.array(z.string()),
  })
  .transform((plan) => plan as GenerationPlan);

const endpointMetricsSchema = z.strictObject({
  endpoint: z.string(),
  count: z.number(),
  errors: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  window: z.number(),
  lastCall: z.string(),
});

/** A process's figures, sent every second: the cluster's view in `/api/status` and `/api/metrics`. */
export const processReportSchema = z.strictObject({
  number: z.number().int(),
  pid: z.number().int(),
  lifecycle: z.enum(['starting', 'serving', 'stopping']),
  generation: z.number().int(),
  modules: z.number().int(),
  endpoints: z.number().int(),
  failedModules: z.number().int(),
  inFlight: z.number().int(),
  rssMb: z.number(),
  uptime: z.number(),
  reportedAt: z.string(),
  metrics: z.array(endpointMetricsSchema),
});
export type ProcessReport = z.infer<typeof processReportSchema>;

/** From a runtime process to the primary. */
export const memberMessageSchema = z.discriminatedUnion('type', [
  /** It serves; `summary` is the banner it would have printed alone. */
  z.strictObject({ type: z.literal('ready'), summary: z.string() }),
  /** It could not start (a port in use, say): the one line to print. */
  z.strictObject({ type: z.literal('failed'), message: z.string() }),
  /** Tell the other processes (the primary relays it to each). */
  z.strictObject({ type: z.literal('announce'), announcement: announcementSchema }),
  /** Its figures of now. */
  z.strictObject({ type: z.literal('report'), report: processReportSchema }),
  /** Asks for the whole cluster's Prometheus metrics (request `id`). */
  z.strictObject({ type: z.literal('metrics-request'), id: z.number().int() }),
  /** The compiling process (number 1) answers plan requests from now on. */
  z.strictObject({ type: z.literal('planner') }),
  /** A process that does not compile asks for the next generation's plan. */
  z.strictObject({ type: z.literal('plan-request'), id: z.number().int() }),
  /** The compiling process's answer to process `to`'s request `id` (null: it could not make one). */
  z.strictObject({
    type: z.literal('plan'),
    id: z.number().int(),
    to: z.number().int(),
    plan: planSchema.nullable(),
  }),
]);
export type MemberMessage = z.infer<typeof memberMessageSchema>;

/** From the primary to a runtime process. */
export const primaryMessageSchema = z.discriminatedUnion('type', [
  /** Finish the requests in flight, then exit. */
  z.strictObject({ type: z.literal('stop') }),
  /** Another process's announcement (the replicas' kind: see replicas/bus.ts). */
  z.strictObject({ type: z.literal('announce'), announcement: announcementSchema }),
  /** The whole cluster's Prometheus metrics, as text; null when they could not be gathered. */
  z.strictObject({ type: z.literal('metrics'), id: z.number().int(), text: z.string().nullable() }),
  /** Every running process's latest figures. */
  z.strictObject({ type: z.literal('reports'), reports: z.array(processReportSchema) }),
  /** To the compiling process: process `from` asks for a plan. */
  z.strictObject({ type: z.literal('plan-request'), id: z.number().int(), from: z.number().int() }),
  /** The answer to this process's request `id`; null when the compiling process could not give one. */
  z.strictObject({ type: z.literal('plan'), id: z.number().int(), plan: planSchema.nullable() }),
]);
export type PrimaryMessage = z.infer<typeof primaryMessageSchema>;
