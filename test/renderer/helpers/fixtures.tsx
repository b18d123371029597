/**
 * What the admin API answers, shaped as the runtime builds it (src/server/http/control.ts,
 * tokens.ts, settings.ts), with parameter schemas made by zod 4 as the runtime makes them.
 */
import { z } from 'zod';
import type {
  EndpointMetrics,
  Registry,
  RegistryEndpoint,
  RuntimeStatus,
  TokenInfo,
} from '../../../src/shared/admin-api.js';
import type { ConfigView, EditableConfig } from '../../../src/shared/config-api.js';
import type { LoadError } from '../../../src/shared/contract.js';

/** An endpoint's parameter schema as `describe.ts` publishes it (input side, no `$schema`). */
export function paramsOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return jsonSchema;
}

export function status(overrides: Partial<RuntimeStatus> = {}): RuntimeStatus {
  return {
    status: 'running',
    version: '0.1.0',
    url: 'http://127.0.0.1:8000',
    startedAt: '2025-01-01T00:00:00.000Z',
    uptime: 7_530,
    hotReload: true,
    debug: false,
    apisDir: '/srv/app/apis',
    configPath: '/srv/app/api-deploy.config.json',
    logFile: '/srv/app/logs/api_2025-01-01.log',
    generation: 7,
    modules: 2,
    endpoints: 3,
    failedModules: [],
    workers: { min: 2, max: 6, memoryMb: 256 },
    memory: { rssMb: 83 },
    documentedTokens: [],
    ...overrides,
  };
}

export const HELLO: RegistryEndpoint = {
  path: '/template/sync_hello',
  module: 'template',
  function: 'sync_hello',
  description: 'Greets someone.',
  file: 'template.ts',
  style: 'signature',
  async: false,
  params: paramsOf(
    z.strictObject({
      name: z.string().optional().meta({ default: 'World' }).describe('Who is greeted'),
    }),
  ),
};

export const AREA: RegistryEndpoint = {
  path: '/geometry/area',
  module: 'geometry',
  function: 'area',
  description: 'Area of a rectangle.',
  file: 'geometry.ts',
  style: 'zod',
  async: true,
  timeoutMs: 2500,
  params: paramsOf(z.strictObject({ w: z.number().positive(), h: z.number().positive() })),
};

export const SHOUT: RegistryEndpoint = {
  path: '/geometry/shout',
  module: 'geometry',
  function: 'shout',
  file: 'geometry.ts',
  style: 'zod',
  async: false,
  params: paramsOf(
    z.strictObject({
      words: z.array(z.string()),
      volume: z.enum(['low', 'high']).default('high'),
      times: z.number().int().default(1),
    }),
  ),
};

export const BROKEN: LoadError = {
  module: 'broken',
  file: 'broken.ts',
  line: 3,
  column: 7,
  message: "Expected ';' but found 'oops'",
};

export function registry(overrides: Partial<Registry> = {}): Registry {
  return {
    generation: 7,
    modules: [
      { module: 'template', file: 'template.ts', endpoints: [HELLO] },
      { module: 'geometry', file: 'geometry.ts', endpoints: [AREA, SHOUT] },
    ],
    unavailable: [],
    ...overrides,
  };
}

export function metrics(): { endpoints: EndpointMetrics[] } {
  return {
    endpoints: [
      {
        endpoint: '/template/sync_hello',
        count: 12,
        errors: 1,
        p50Ms: 3,
        p95Ms: 9,
        window: 12,
        lastCall: '2025-01-01T01:00:00.000Z',
      },
    ],
  };
}

export function tokenList(): TokenInfo[] {
  return [
    { id: 'a1b2c3', role: 'admin', label: 'ops', masked: 'adm…cret', created: '2025-01-01T00:00:00.000Z' },
    {
      id: 'd4e5f6',
      role: 'business',
      label: 'billing service',
      masked: 'tok…1234',
      created: '2025-01-02T00:00:00.000Z',
      lastUsed: '2025-01-03T00:00:00.000Z',
    },
  ];
}

export function editableConfig(): EditableConfig {
  return {
    host: '127.0.0.1',
    port: 8000,
    hotReload: true,
    debug: false,
    apisDir: 'apis',
    functionTimeoutMs: 30_000,
    maxBodyBytes: 1_048_576,
    maxJsonDepth: 64,
    historyMaxVersions: 50,
    historyMaxBytes: 5_242_880,
    restrictWorkers: false,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1000,
    metricsPort: 0,
    workers: 2,
    maxWorkers: 6,
    workerMemoryMb: 256,
    maxFailedAuthPerMinute: 10,
    corsOrigins: ['http://localhost:3000'],
    logging: {
      enableRequestLogging: true,
      logToFile: true,
      logRequestBody: false,
      logResponseData: false,
      logMaxBodySize: 1000,
      logFilePath: 'logs/api_{date}.log',
      logRotation: '1 day',
      logRetention: '30 days',
      bufferSize: 2000,
    },
  };
}

export function configView(overrides: Partial<ConfigView> = {}): ConfigView {
  return {
    path: '/srv/app/api-deploy.config.json',
    config: editableConfig(),
    restartRequired: ['host', 'port'],
    pendingRestart: [],
    overridden: [],
    ...overrides,
  };
}
