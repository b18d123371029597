/**
 * Reading an endpoint's parameter JSON Schema (as the runtime publishes it, from zod 4's
 * `toJSONSchema`) for people: a row per parameter, an example body from the defaults, and a
 * light check of a body as it is typed. The server's validation stays the authority.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | false;
  /** A tuple's items, in order (zod 4 writes tuples so, with `items: false`). */
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

export interface ParamRow {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  hasDefault: boolean;
  description?: string;
}

export function paramRows(schema: JsonSchema): ParamRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeLabel(property),
    required: required.has(name) && !('default' in property),
    default: property.default,
    hasDefault: 'default' in property,
    description: property.description,
  }));
}

/** `string`, `number[]`, `"a" | "b"`, `{ x, y }`, `any`. */
export function typeLabel(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeLabel).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array' && schema.prefixItems) return `[${schema.prefixItems.map(typeLabel).join(', ')}]`;
  if (type === 'array') return `${schema.items ? wrap(typeLabel(schema.items)) : 'any'}[]`;
  if (type === 'object' && schema.properties) return `{ ${Object.keys(schema.properties).join(', ')} }`;
  if (type === 'integer') return 'integer';
  return type ?? 'any';
}

const wrap = (label: string) => (label.includes(' | ') ? `(${label})` : label);

/** A body to start from: every default, and a placeholder of the right type for the rest. */
export function exampleBody(schema: JsonSchema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if ('default' in property) body[name] = property.default;
    else if (required.has(name)) body[name] = placeholder(property);
  }
  return body;
}

function placeholder(schema: JsonSchema): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.[0]) return placeholder(union[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return schema.prefixItems ? schema.prefixItems.map(placeholder) : [];
    case 'object':
      return exampleBody(schema);
    case 'null':
      return null;
    default:
      return null;
  }
}

/**
 * Problems of a body text against the schema, found while typing: not JSON, not an object,
 * a missing required parameter, an unknown one, or a top-level value of the wrong type.
 */
export function checkBody(text: string, schema: JsonSchema): string[] {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return [`Not valid JSON: ${(error as Error).message}`];
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return ['The body must be a JSON object'];
  const problems: string[] = [];
  const properties = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(body, name) && !(Object.hasOwn(properties, name) && 'default' in properties[name]!))
      problems.push(`Missing parameter "${name}"`);
  }
  for (const [name, value] of Object.entries(body)) {
    const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (!property) {
      if (schema.additionalProperties === false) problems.push(`Unknown parameter "${name}"`);
      continue;
    }
    if (!fitsType(value, property)) problems.push(`"${name}" should be ${typeLabel(property)}`);
  }
  return problems;
}

function fitsType(value: unknown, schema: JsonSchema): boolean {
  if ('const' in schema) return JSON.stringify(value) === JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value));
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.some((option) => fitsType(value, option));
  if (schema.type === undefined) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.some((type) => {
    switch (type) {
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number';
      case 'integer':
        return Number.isInteger(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'array':
        return Array.isArray(value);
      case 'object':
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      case 'null':
        return value === null;
      default:
        return true;
    }
  });
}
