import { Router, type Request, type Response } from 'express';
import { ERROR_STATUS, type EndpointInfo, type ErrorCode } from '../../shared/contract.js';
import type { Generation } from '../load/registry.js';
import type { RuntimeContext } from './context.js';
import { isPlainObject } from './request.js';
import { writeJson } from './respond.js';

/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of the business endpoints of the registry's
 * current generation. Each endpoint's parameters are its JSON Schema (draft 2020-12, which
 * OpenAPI 3.1 takes as it is) inside the request envelope `{"token", "body"}`.
 */

type JsonObject = Record<string, unknown>;

export interface OpenApiOptions {
  version: string;
  /** Where the endpoints are served; without it, clients resolve paths against the document's URL. */
  serverUrl?: string;
}

/** The errors a business call can answer with, and when (ARCHITECTURE.md, "The HTTP contract"). */
const BUSINESS_ERRORS: readonly (readonly [ErrorCode, string])[] = [
  ['INVALID_JSON', 'the request body is not JSON, or not an object'],
  ['MISSING_TOKEN', 'no token'],
  ['INVALID_TOKEN', 'the token is not known'],
  ['ENDPOINT_NOT_FOUND', 'no such module or function'],
  ['PAYLOAD_TOO_LARGE', 'the request body is over the configured limit'],
  ['VALIDATION_ERROR', 'a parameter is missing, wrongly typed or unknown; `details` says which'],
  ['TOO_MANY_ATTEMPTS', 'too many failed token attempts from this address'],
  ['FUNCTION_ERROR', 'the function threw'],
  ['INTERNAL_ERROR', 'anything else'],
  ['MODULE_UNAVAILABLE', 'the module failed to load and has no earlier good version'],
  ['FUNCTION_TIMEOUT', 'the function ran past its time limit'],
];

const TOKEN_NOTE =
  'Send the token as `Authorization: Bearer <token>`, or as the `token` field of the JSON request body.';

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponseName = (status: number) => `Error${status}`;

export function openApiDocument(generation: Generation, options: OpenApiOptions): JsonObject {
  const endpoints = [...generation.endpoints].sort((a, b) => a.path.localeCompare(b.path));
  const ids = operationIds(endpoints);
  const paths: JsonObject = {};
  for (const endpoint of endpoints) {
    paths[endpoint.path] = { post: operation(endpoint, ids.get(endpoint.path)!) };
  }
  const modules = [...new Set(endpoints.map((endpoint) => endpoint.module))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'API Deploy',
      version: options.version,
      description: `Business endpoints: \`POST /{module}/{function}\` with \`{"token": "...", "body": {params}}\`. ${TOKEN_NOTE}`,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: modules.map((name) => ({ name })),
    paths,
    components: components(),
  };
}

function operation(endpoint: EndpointInfo, operationId: string): JsonObject {
  const description = endpoint.description?.trim();
  const request = requestSchema(endpoint);
  return {
    operationId,
    tags: [endpoint.module],
    ...(description ? { summary: summaryOf(description), description } : {}),
    security: [{ bearerAuth: [] }, {}],
    requestBody: {
      // Needed when `body` is; with a Bearer token and no required parameter it may be empty.
      required: Array.isArray(request.required),
      description: TOKEN_NOTE,
      content: { 'application/json': { schema: request } },
    },
    responses: {
      '200': {
        description: "The function's return value in `data`",
        content: { 'application/json': { schema: schemaRef('SuccessEnvelope') } },
      },
      ...Object.fromEntries(
        errorStatuses().map((status) => [
          String(status),
          { $ref: `#/components/responses/${errorResponseName(status)}` },
        ]),
      ),
      default: { $ref: '#/components/responses/Error' },
    },
  };
}

/** The request envelope; `body` is required when the parameters have required keys. */
function requestSchema(endpoint: EndpointInfo): JsonObject {
  const at = jsonPointer('paths', endpoint.path, 'post', 'requestBody', 'content', 'application/json');
  const params = rebase(endpoint.params, `${at}/schema/properties/body`) as JsonObject;
  const bodyRequired = Array.isArray(params.required) && params.required.length > 0;
  return {
    type: 'object',
    properties: {
      token: { type: 'string', description: 'The token, unless sent as a Bearer token' },
      body: params,
    },
    ...(bodyRequired ? { required: ['body'] } : {}),
    additionalProperties: false,
  };
}

/** Keywords whose value maps names to schemas, and keywords whose value is data, not schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example', 'dependentRequired']);

/**
 * A parameter schema made to live inside the document at `base` (a URI fragment): without
 * `$schema` keys, and with its local `$ref`s (`#`, `#/$defs/...`, as zod writes for shared
 * and recursive types) pointing at where it now is. The registry's schema is not changed.
 */
function rebase(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item, base));
  if (!isPlainObject(schema)) return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) {
      result[key] = base + value.slice(1);
    } else if (DATA_KEYWORDS.has(key)) {
      result[key] = value;
    } else if (SCHEMA_MAPS.has(key) && isPlainObject(value)) {
      result[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, rebase(sub, base)]));
    } else {
      result[key] = rebase(value, base);
    }
  }
  return result;
}

/** A URI fragment for a JSON Pointer to the given keys (RFC 6901, then percent-encoded). */
function jsonPointer(...keys: string[]): string {
  return (
    '#' +
    keys.map((key) => '/' + encodeURIComponent(key.replaceAll('~', '~0').replaceAll('/', '~1'))).join('')
  );
}

/**
 * `${module}_${function}` with anything but letters, digits and `_` made `_`; a name that two
 * endpoints would share (`a-b/x` and `a_b/x`) gets a numbered suffix, as ids must be unique.
 */
function operationIds(endpoints: EndpointInfo[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const endpoint of endpoints) {
    const base = `${endpoint.module}_${endpoint.function}`.replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(endpoint.path, id);
  }
  return ids;
}

/** The first line of a description, cut to a summary's length. */
function summaryOf(description: string): string {
  const line = description.split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The statuses of BUSINESS_ERRORS, ascending. */
function errorStatuses(): number[] {
  return [...new Set(BUSINESS_ERRORS.map(([code]) => ERROR_STATUS[code]))].sort((a, b) => a - b);
}

function components(): JsonObject {
  return {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: TOKEN_NOTE },
    },
    schemas: {
      SuccessEnvelope: {
        type: 'object',
        properties: {
          success: { const: true },
          data: { description: "The function's return value (`undefined` becomes `null`)" },
          endpoint: { type: 'string', examples: ['/module/function'] },
        },
        required: ['success', 'data', 'endpoint'],
      },
      ErrorEnvelope: {
        type: 'object',
        properties: {
          success: { const: false },
          error: { type: 'string' },
          code: { type: 'string', examples: BUSINESS_ERRORS.map(([code]) => code) },
          endpoint: { type: 'string', examples: ['/module/function'] },
          details: { type: 'array', items: schemaRef('ErrorDetail') },
        },
        required: ['success', 'error', 'code', 'endpoint'],
      },
      ErrorDetail: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: 'Dotted path into `body`, e.g. `items.0.name`; empty for `body` itself',
          },
          message: { type: 'string' },
        },
        required: ['path', 'message'],
      },
    },
    responses: errorResponses(),
  };
}

/** One shared response per error status, naming its codes; 422's always has `details`. */
function errorResponses(): JsonObject {
  const responses: JsonObject = {};
  for (const status of errorStatuses()) {
    const codes = BUSINESS_ERRORS.filter(([code]) => ERROR_STATUS[code] === status);
    const schema =
      status === ERROR_STATUS.VALIDATION_ERROR
        ? { allOf: [schemaRef('ErrorEnvelope'), { required: ['details'] }] }
        : schemaRef('ErrorEnvelope');
    responses[errorResponseName(status)] = {
      description: codes.map(([code, when]) => `${code}: ${when}`).join('; '),
      content: { 'application/json': { schema } },
    };
  }
  responses.Error = {
    description: 'An error the function raised itself (ApiError), with its own status and code',
    content: { 'application/json': { schema: schemaRef('ErrorEnvelope') } },
  };
  return responses;
}

/** The public `GET /openapi.json`, built once per registry generation. */
export function openApiRouter(runtime: RuntimeContext): Router {
  const router = Router();
  let cached: { generation: Generation; json: string } | undefined;
  router.get('/openapi.json', (_req: Request, res: Response) => {
    const { generation } = runtime.state();
    if (cached?.generation !== generation) {
      cached = {
        generation,
        json: JSON.stringify(openApiDocument(generation, { version: runtime.version })),
      };
    }
    writeJson(res, 200, cached.json);
  });
  return router;
}
