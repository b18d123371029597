/**
 * Which JSON Schema Monaco's JSON language checks the request body against: the selected
 * endpoint's parameter schema, associated with the body editor's model by its URI. Plain data,
 * no Monaco here, so it is tested as it is (test/renderer/body-schema.test.ts).
 */
import type { JsonSchema } from '../schema.js';

/** The one model the request panel's body editor edits. */
export const BODY_MODEL_URI = 'inmemory://api-deploy/request-body.json';

/** Where the panel's own schemas are named: entries under it are the panel's to replace. */
const SCHEMA_ROOT = 'api-deploy://params';

/** An entry of Monaco's `jsonDefaults.setDiagnosticsOptions({ schemas })`. */
export interface SchemaAssociation {
  uri: string;
  fileMatch?: string[];
  schema?: unknown;
}

/** What of Monaco's JSON diagnostics options this module reads and writes. */
export interface JsonDiagnosticsOptions {
  validate?: boolean;
  enableSchemaRequest?: boolean;
  schemas?: SchemaAssociation[];
  [option: string]: unknown;
}

/**
 * The options with the body model checked against `endpoint`'s parameters (or against nothing,
 * when no endpoint is given), keeping every other option and every schema not the panel's.
 * Schemas are never fetched: nothing at run time comes from outside the machine.
 */
export function withBodySchema(
  options: JsonDiagnosticsOptions,
  endpoint?: { path: string; params: JsonSchema },
): JsonDiagnosticsOptions {
  const others = (options.schemas ?? []).filter((entry) => !entry.uri.startsWith(SCHEMA_ROOT));
  const ours: SchemaAssociation[] = endpoint
    ? [{ uri: `${SCHEMA_ROOT}${endpoint.path}`, fileMatch: [BODY_MODEL_URI], schema: bodySchema(endpoint) }]
    : [];
  return { ...options, validate: true, enableSchemaRequest: false, schemas: [...others, ...ours] };
}

/** The parameters' schema, titled with the endpoint (Monaco's hover shows it). */
function bodySchema({ path, params }: { path: string; params: JsonSchema }): JsonSchema {
  return { title: `Parameters of ${path}`, type: 'object', ...params };
}
