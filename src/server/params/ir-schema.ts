import { z } from 'zod';
import type { TypeIR } from './type-ir.js';

/**
 * Builds the zod schema of a parameter type read from a signature. Objects are closed (unknown
 * keys refused), nothing is coerced, and every refusal names the type that was expected.
 */
export function irToSchema(ir: TypeIR): z.ZodType {
  switch (ir.kind) {
    case 'string':
      return expecting(z.string(), ir.text);
    case 'number':
      return expecting(z.number(), ir.text);
    case 'boolean':
      return expecting(z.boolean(), ir.text);
    case 'null':
      return expecting(z.null(), ir.text);
    case 'undefined':
      return z.undefined();
    case 'unknown':
      return z.unknown();
    case 'object-any':
      return expecting(z.record(z.string(), z.unknown()), ir.text);
    case 'literal':
      return expecting(z.literal(ir.value), ir.text);
    case 'enum':
      return expecting(z.enum(ir.values as [string, ...string[]]), ir.text);
    case 'array':
      return expecting(z.array(irToSchema(ir.items)), ir.text);
    case 'tuple':
      return expecting(z.tuple(ir.items.map(irToSchema) as [z.ZodType, ...z.ZodType[]]), ir.text);
    case 'record':
      return expecting(z.record(z.string(), irToSchema(ir.values)), ir.text);
    case 'union':
      return expecting(z.union(ir.members.map(irToSchema)), ir.text);
    case 'optional':
      return irToSchema(ir.inner).optional();
    case 'object': {
      const shape: Record<string, z.ZodType> = {};
      for (const property of ir.properties) {
        let schema = irToSchema(property.type);
        if (property.description) schema = schema.describe(property.description);
        if (property.default) schema = schema.meta({ default: property.default.value });
        shape[property.name] = schema;
      }
      return expecting(z.strictObject(shape), ir.text);
    }
  }
}

/** A schema whose refusal says which type it expected and what it got. */
function expecting<T extends z.ZodType>(schema: T, typeText: string): T {
  return schema.clone({
    ...schema._zod.def,
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? 'Missing required parameter'
        : `Expected ${typeText}, received ${describeValue(issue.input)}`,
  }) as T;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
