import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DURATION, SIZE } from '../core/periods.js';

/** The seed's default tokens, kept so its curl examples work as written on a fresh clone. */
export const DEFAULT_BUSINESS_TOKEN = 'your-business-token';
export const DEFAULT_ADMIN_TOKEN = 'your-admin-token';

const tokenEntry = z.union(
  [
    z.string().min(1, 'a token must not be empty'),
    z.strictObject({
      token: z.string().min(1, 'a token must not be empty'),
      label: z.string().min(1).optional(),
      /** When the admin API created it (ISO 8601). */
      created: z.string().optional(),
    }),
  ],
  { error: 'expected a token string or { "token": "...", "label": "..." }' },
);

const duration = z.string().regex(DURATION, 'expected a duration such as "30 days", "12 hours" or "1 week"');
const rotation = z
  .string()
  .refine(
    (value) => DURATION.test(value) || SIZE.test(value),
    'expected a period such as "1 day" or "1 hour", or a size such as "100 MB"',
  );

export const loggingSchema = z.strictObject({
  enableRequestLogging: z.boolean().default(true),
  logToFile: z.boolean().default(true),
  logRequestBody: z.boolean().default(true),
  logResponseData: z.boolean().default(false),
  logMaxBodySize: z.number().int().min(0).default(1000),
  logFilePath: z.string().min(1).default('logs/api_{date}.log'),
  logRotation: rotation.default('1 day'),
  logRetention: duration.default('30 days'),
  /**
   * Recent entries kept in memory for the admin API (`/api/logs`) and the panel: 1 KiB of
   * memory each; fewer are kept when lines average longer (see LogRing).
   */
  bufferSize: z.number().int().min(100).max(1_000_000).default(5000),
});

/**
 * Redis, where replicas share their state (tokens, failed attempts, reload announcements). Read
 * once at start. The URL may hold a password: the settings API never shows or sets it.
 */
export const redisSchema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL, such as "redis://redis:6379"'),
  /** Prefix of every key and channel, so deployments can share one Redis. */
  prefix: z.string().min(1).max(100).default('api-deploy:'),
});

/**
 * Cluster mode on one box: how many runtime processes share the port (node:cluster), `"auto"`
 * for one per CPU core. Read once at start; 1, the default, is a single process as before.
 */
const PROCESSES = 'expected a whole number from 1 to 64, or "auto" (one per CPU core)';
export const clusterSchema = z.strictObject({
  processes: z
    .union([z.number(PROCESSES).int(PROCESSES).min(1, PROCESSES).max(64, PROCESSES), z.literal('auto')], {
      error: PROCESSES,
    })
    .default(1),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8000),
    validTokens: z.array(tokenEntry).default([DEFAULT_BUSINESS_TOKEN]),
    adminTokens: z.array(tokenEntry).default([DEFAULT_ADMIN_TOKEN]),
    hotReload: z.boolean().default(true),
    debug: z.boolean().default(true),
    apisDir: z.string().min(1).default('apis'),
    functionTimeoutMs: z.number().int().positive().default(30_000),
    /** Workers kept running for API functions; by default one per CPU core. */
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(() => Math.max(1, availableParallelism())),
    /** Workers at most, started when every worker is busy or blocked. */
    maxWorkers: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(() => Math.max(4, 2 * availableParallelism())),
    /**
     * Run API functions under Node's permission model: they read only the APIs folder and its
     * packages, write no file, start no process (see exec/permissions.ts).
     */
    restrictWorkers: z.boolean().default(false),
    /** Heap limit of one worker, in MB; a function that needs more fails with 500. */
    workerMemoryMb: z.number().int().min(16).default(512),
    maxBodyBytes: z.number().int().positive().default(1_048_576),
    /** How deep a request's JSON may nest (the request object is level 1); deeper is refused 400. */
    maxJsonDepth: z.number().int().min(3).max(1000).default(64),
    /** Versions of each file kept in its history (`.api-deploy/history/`); the oldest go first. */
    historyMaxVersions: z.number().int().min(1).max(10_000).default(50),
    /** Bytes of versions kept in each file's history; the oldest go first. */
    historyMaxBytes: z.number().int().min(1024).max(1_073_741_824).default(5_242_880),
    /** How long a client may take to send a request's headers before its connection is closed. */
    headersTimeoutMs: z.number().int().min(1000).default(10_000),
    /** How long a client may take to send a whole request, body included. */
    requestTimeoutMs: z.number().int().min(1000).default(30_000),
    /** How long an idle keep-alive connection stays open (behind a load balancer: longer than its own). */
    keepAliveTimeoutMs: z.number().int().min(0).default(5_000),
    /** Open connections at most; further ones are closed as they arrive. */
    maxConnections: z.number().int().min(1).default(1000),
    /**
     * A second port, on 127.0.0.1 only, answering `GET /metrics` without a token (a scraper or an
     * agent on the same host or pod); 0, the default, opens none.
     */
    metricsPort: z.number().int().min(0).max(65535).default(0),
    /** Failed token attempts one address may make in a minute before it gets 429. */
    maxFailedAuthPerMinute: z.number().int().min(1).default(10),
    /** Origins allowed to call the server from a browser (CORS); none by default. */
    corsOrigins: z.array(z.string().min(1)).default([]),
    logging: loggingSchema.prefault({}),
    /** Shared state of replicas behind one load balancer; without it, this process is alone. */
    redis: redisSchema.optional(),
    cluster: clusterSchema.optional(),
  })
  .refine((config) => config.headersTimeoutMs <= config.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'must not be longer than requestTimeoutMs (the whole request includes its headers)',
  });

/** The runtime processes a config asks for: `cluster.processes`, `"auto"` being the CPU cores. */
export function processCountOf(config: Pick<Config, 'cluster'>): number {
  const processes = config.cluster?.processes ?? 1;
  return processes === 'auto' ? Math.max(1, availableParallelism()) : processes;
}

export type ConfigFile = z.input<typeof configSchema>;
export type TokenEntry = z.output<typeof tokenEntry>;

/** The validated config, with paths made absolute against the config file's folder. */
export type Config = z.output<typeof configSchema> & {
  /** Absolute path of the config file, or undefined when running on defaults. */
  configPath?: string;
  /** The folder relative paths resolve against. */
  baseDir: string;
};
