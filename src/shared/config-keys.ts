/**
 * The config keys the settings show and set, defined once: how each is edited and explained, the
 * group it is shown in, and what a change to it needs. The admin API's schema of a settings
 * change (config-api.ts), the settings view's form (renderer/settings-fields.ts), the config
 * controller's reactions to a change and the settings answers' lists are all derived from it.
 * The server's config schema (server/config/schema.ts) holds each key's range and default; a
 * test checks that the two name the same keys. Plain data: the panel imports it.
 */

/**
 * How a setting is edited: a line of text, a path (shown as the config file holds it), a whole
 * number, a switch, or lines of text.
 */
export type SettingKind = 'text' | 'path' | 'integer' | 'boolean' | 'list';

export const SETTING_GROUP_TITLES = ['Server', 'APIs', 'Security', 'Connections', 'Logging'] as const;

export interface SettingSpec {
  group: (typeof SETTING_GROUP_TITLES)[number];
  label: string;
  kind: SettingKind;
  help: string;
  /** It takes effect only when the server is started again: it listens once, at start. */
  restart?: true;
  /** A change reloads the modules. */
  reloads?: true;
  /** A change replaces the spare workers: they are started with it. */
  restartsWorkers?: true;
  /** A change starts or stops watching the APIs folder. */
  rewatch?: true;
  /** A command-line flag or an `API_DEPLOY_*` variable can set it, over the config file. */
  overridable?: true;
}

/** Every setting, in the order the settings view shows them; `logging.*` keys are in `logging`. */
export const SETTINGS = {
  host: {
    group: 'Server',
    label: 'Host',
    kind: 'text',
    help: 'Address to listen on.',
    restart: true,
    overridable: true,
  },
  port: {
    group: 'Server',
    label: 'Port',
    kind: 'integer',
    help: 'Port to listen on (0: any free port).',
    restart: true,
    overridable: true,
  },
  hotReload: {
    group: 'Server',
    label: 'Hot reload',
    kind: 'boolean',
    help: 'Reload modules when their files change.',
    rewatch: true,
  },
  debug: {
    group: 'Server',
    label: 'Debug',
    kind: 'boolean',
    help: "Send a failing function's message to the caller.",
  },
  apisDir: {
    group: 'APIs',
    label: 'APIs folder',
    kind: 'path',
    help: 'Folder of API modules, relative to the config file.',
    reloads: true,
    restartsWorkers: true,
    rewatch: true,
    overridable: true,
  },
  functionTimeoutMs: {
    group: 'APIs',
    label: 'Time limit (ms)',
    kind: 'integer',
    help: 'Time limit of one call.',
  },
  maxBodyBytes: {
    group: 'APIs',
    label: 'Largest body (bytes)',
    kind: 'integer',
    help: 'Largest request body accepted.',
  },
  maxJsonDepth: {
    group: 'APIs',
    label: 'Deepest JSON',
    kind: 'integer',
    help: 'Nesting levels a request may have; the request itself is one.',
  },
  historyMaxVersions: {
    group: 'APIs',
    label: 'Versions kept per file',
    kind: 'integer',
    help: 'Saved versions of each file kept in its history; the oldest go first.',
  },
  historyMaxBytes: {
    group: 'APIs',
    label: 'History per file (bytes)',
    kind: 'integer',
    help: 'Bytes of saved versions kept for each file; the oldest go first.',
  },
  workers: {
    group: 'APIs',
    label: 'Workers',
    kind: 'integer',
    help: 'Worker threads kept running for API functions.',
    reloads: true,
    restartsWorkers: true,
  },
  maxWorkers: {
    group: 'APIs',
    label: 'Most workers',
    kind: 'integer',
    help: 'Worker threads at most, when all are busy.',
    reloads: true,
  },
  workerMemoryMb: {
    group: 'APIs',
    label: 'Worker memory (MB)',
    kind: 'integer',
    help: 'Heap limit of one worker.',
    reloads: true,
    restartsWorkers: true,
  },
  maxFailedAuthPerMinute: {
    group: 'Security',
    label: 'Failed token attempts per minute',
    kind: 'integer',
    help: 'Per client address, before it is answered 429.',
  },
  corsOrigins: {
    group: 'Security',
    label: 'CORS origins',
    kind: 'list',
    help: 'Browser origins allowed to call, one per line (empty: none).',
  },
  restrictWorkers: {
    group: 'Security',
    label: 'Restrict functions',
    kind: 'boolean',
    help: 'Functions read only the APIs folder and its packages, write no file, start no process.',
    reloads: true,
    restartsWorkers: true,
  },
  headersTimeoutMs: {
    group: 'Connections',
    label: 'Headers time limit (ms)',
    kind: 'integer',
    help: 'A client slower to send its headers is disconnected.',
  },
  requestTimeoutMs: {
    group: 'Connections',
    label: 'Request time limit (ms)',
    kind: 'integer',
    help: 'A client slower to send a whole request is disconnected.',
  },
  keepAliveTimeoutMs: {
    group: 'Connections',
    label: 'Keep-alive (ms)',
    kind: 'integer',
    help: 'Idle connections close after this; behind a load balancer, longer than its own.',
  },
  maxConnections: {
    group: 'Connections',
    label: 'Most connections',
    kind: 'integer',
    help: 'Open connections at most; more are closed at once.',
  },
  metricsPort: {
    group: 'Connections',
    label: 'Metrics port',
    kind: 'integer',
    help: 'Also serve GET /metrics without a token on 127.0.0.1 at this port, for a scraper on the same host (0: off).',
    restart: true,
  },
  'logging.enableRequestLogging': {
    group: 'Logging',
    label: 'Log requests',
    kind: 'boolean',
    help: 'Log every request.',
  },
  'logging.logToFile': {
    group: 'Logging',
    label: 'Log to file',
    kind: 'boolean',
    help: 'Write logs to files.',
  },
  'logging.logRequestBody': {
    group: 'Logging',
    label: 'Log request bodies',
    kind: 'boolean',
    help: 'Tokens are blanked.',
  },
  'logging.logResponseData': {
    group: 'Logging',
    label: 'Log response data',
    kind: 'boolean',
    help: 'Log what endpoints answer.',
  },
  'logging.logMaxBodySize': {
    group: 'Logging',
    label: 'Longest body logged',
    kind: 'integer',
    help: 'In characters.',
  },
  'logging.logFilePath': {
    group: 'Logging',
    label: 'Log file',
    kind: 'path',
    help: '{date} is the day; relative to the config file.',
  },
  'logging.logRotation': {
    group: 'Logging',
    label: 'Rotation',
    kind: 'text',
    help: '"1 day", "1 hour", or a size like "100 MB".',
  },
  'logging.logRetention': {
    group: 'Logging',
    label: 'Retention',
    kind: 'text',
    help: 'How long log files are kept, e.g. "30 days".',
  },
  'logging.bufferSize': {
    group: 'Logging',
    label: 'Recent entries kept',
    kind: 'integer',
    help: 'For the logs view and /api/logs; 1 KiB of memory each.',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The settings with a property (`restart`, `reloads`...), as a type. */
export type KeysWith<Property extends keyof SettingSpec> = {
  [Key in SettingKey]: (typeof SETTINGS)[Key] extends Record<Property, unknown> ? Key : never;
}[SettingKey];

/** The settings with a property (`restart`, `reloads`...). */
export function keysWith<Property extends keyof SettingSpec>(property: Property): KeysWith<Property>[] {
  return SETTING_KEYS.filter((key) => property in SETTINGS[key]) as KeysWith<Property>[];
}
