import type { EditableConfig } from '../../shared/config-api.js';

/** One setting of the form: where it lives in the config, how it is edited, what it does. */
export interface SettingField {
  /** `port`, or `logging.logRotation`. */
  key: string;
  label: string;
  kind: 'text' | 'integer' | 'boolean' | 'list';
  help: string;
  restart?: boolean;
}

export interface SettingGroup {
  title: string;
  fields: SettingField[];
}

/** The original's config tables, grouped as a person looks for them. */
export const SETTING_GROUPS: SettingGroup[] = [
  {
    title: 'Server',
    fields: [
      { key: 'host', label: 'Host', kind: 'text', help: 'Address to listen on.', restart: true },
      {
        key: 'port',
        label: 'Port',
        kind: 'integer',
        help: 'Port to listen on (0: any free port).',
        restart: true,
      },
      {
        key: 'hotReload',
        label: 'Hot reload',
        kind: 'boolean',
        help: 'Reload modules when their files change.',
      },
      {
        key: 'debug',
        label: 'Debug',
        kind: 'boolean',
        help: "Send a failing function's message to the caller.",
      },
    ],
  },
  {
    title: 'APIs',
    fields: [
      {
        key: 'apisDir',
        label: 'APIs folder',
        kind: 'text',
        help: 'Folder of API modules, relative to the config file.',
      },
      {
        key: 'functionTimeoutMs',
        label: 'Time limit (ms)',
        kind: 'integer',
        help: 'Time limit of one call.',
      },
      {
        key: 'maxBodyBytes',
        label: 'Largest body (bytes)',
        kind: 'integer',
        help: 'Largest request body accepted.',
      },
      {
        key: 'maxJsonDepth',
        label: 'Deepest JSON',
        kind: 'integer',
        help: 'Nesting levels a request may have; the request itself is one.',
      },
      {
        key: 'workers',
        label: 'Workers',
        kind: 'integer',
        help: 'Worker threads kept running for API functions.',
      },
      {
        key: 'maxWorkers',
        label: 'Most workers',
        kind: 'integer',
        help: 'Worker threads at most, when all are busy.',
      },
      {
        key: 'workerMemoryMb',
        label: 'Worker memory (MB)',
        kind: 'integer',
        help: 'Heap limit of one worker.',
      },
    ],
  },
  {
    title: 'Security',
    fields: [
      {
        key: 'maxFailedAuthPerMinute',
        label: 'Failed token attempts per minute',
        kind: 'integer',
        help: 'Per client address, before it is answered 429.',
      },
      {
        key: 'corsOrigins',
        label: 'CORS origins',
        kind: 'list',
        help: 'Browser origins allowed to call, one per line (empty: none).',
      },
      {
        key: 'restrictWorkers',
        label: 'Restrict functions',
        kind: 'boolean',
        help: 'Functions read only the APIs folder and its packages, write no file, start no process.',
      },
    ],
  },
  {
    title: 'Connections',
    fields: [
      {
        key: 'headersTimeoutMs',
        label: 'Headers time limit (ms)',
        kind: 'integer',
        help: 'A client slower to send its headers is disconnected.',
      },
      {
        key: 'requestTimeoutMs',
        label: 'Request time limit (ms)',
        kind: 'integer',
        help: 'A client slower to send a whole request is disconnected.',
      },
      {
        key: 'keepAliveTimeoutMs',
        label: 'Keep-alive (ms)',
        kind: 'integer',
        help: 'Idle connections close after this; behind a load balancer, longer than its own.',
      },
      {
        key: 'maxConnections',
        label: 'Most connections',
        kind: 'integer',
        help: 'Open connections at most; more are closed at once.',
      },
    ],
  },
  {
    title: 'Logging',
    fields: [
      {
        key: 'logging.enableRequestLogging',
        label: 'Log requests',
        kind: 'boolean',
        help: 'Log every request.',
      },
      { key: 'logging.logToFile', label: 'Log to file', kind: 'boolean', help: 'Write logs to files.' },
      {
        key: 'logging.logRequestBody',
        label: 'Log request bodies',
        kind: 'boolean',
        help: 'Tokens are blanked.',
      },
      {
        key: 'logging.logResponseData',
        label: 'Log response data',
        kind: 'boolean',
        help: 'Log what endpoints answer.',
      },
      {
        key: 'logging.logMaxBodySize',
        label: 'Longest body logged',
        kind: 'integer',
        help: 'In characters.',
      },
      {
        key: 'logging.logFilePath',
        label: 'Log file',
        kind: 'text',
        help: '{date} is the day; relative to the config file.',
      },
      {
        key: 'logging.logRotation',
        label: 'Rotation',
        kind: 'text',
        help: '"1 day", "1 hour", or a size like "100 MB".',
      },
      {
        key: 'logging.logRetention',
        label: 'Retention',
        kind: 'text',
        help: 'How long log files are kept, e.g. "30 days".',
      },
      {
        key: 'logging.bufferSize',
        label: 'Recent entries kept',
        kind: 'integer',
        help: 'For the logs view and /api/logs; 1 KiB of memory each.',
      },
    ],
  },
];

export type FormValues = Record<string, string | boolean>;

/** The form's values (text for text and numbers, so half-typed numbers are kept). */
export function toFormValues(config: EditableConfig): FormValues {
  const values: FormValues = {};
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    const value = read(config, field.key);
    values[field.key] =
      field.kind === 'boolean'
        ? Boolean(value)
        : field.kind === 'list'
          ? (value as string[]).join('\n')
          : String(value);
  }
  return values;
}

/** The changed settings as `PUT /api/config` takes them, or the problems of the form. */
export function changesOf(
  config: EditableConfig,
  values: FormValues,
): { changes: Record<string, unknown>; problems: Record<string, string> } {
  const changes: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    const raw = values[field.key];
    let value: unknown = raw;
    if (field.kind === 'integer') {
      const text = String(raw).trim();
      if (!/^-?\d+$/.test(text)) {
        problems[field.key] = 'A whole number is expected';
        continue;
      }
      value = Number(text);
    } else if (field.kind === 'list') {
      value = String(raw)
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    }
    if (JSON.stringify(value) === JSON.stringify(read(config, field.key))) continue;
    const [head, tail] = field.key.split('.') as [string, string | undefined];
    if (tail) changes[head] = { ...(changes[head] as object | undefined), [tail]: value };
    else changes[head] = value;
  }
  return { changes, problems };
}

function read(config: EditableConfig, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown>)?.[part], config);
}
