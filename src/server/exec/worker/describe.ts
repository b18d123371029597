import { z } from 'zod';
import type { EndpointInfo } from '../../../shared/contract.js';
import type { RegisteredEndpoint } from '../../load/served.js';
import { API_FUNCTION, isApiFunction, type ApiFunctionMeta } from '../../public.js';
import { ModuleLoadError } from './evaluate.js';
import { irToSchema } from '../../params/ir-schema.js';
import type { SignatureResult } from '../../params/type-ir.js';
import { parseInput } from '../../params/validation.js';

/** An endpoint as a worker holds it: what the registry shows, plus how to call it. */
export interface CallableEndpoint extends Omit<RegisteredEndpoint, 'usesContext'> {
  /** Validates a request's `body`; returns the arguments, or throws a VALIDATION_ERROR. */
  parse(body: Record<string, unknown>): unknown[];
  fn: (...args: unknown[]) => unknown;
}

interface DescribeInput {
  module: string;
  /** Absolute path of the module's file, for error locations. */
  file: string;
  relativeFile: string;
  exports: Record<string, unknown>;
  signatures: Record<string, SignatureResult>;
}

/**
 * Builds the endpoints of a loaded module: every export marked by `apiFunction`, with its
 * parameters' schema (from the signature, or the zod object it was given) and description.
 */
export function describeModule({
  module,
  file,
  relativeFile,
  exports,
  signatures,
}: DescribeInput): CallableEndpoint[] {
  const endpoints: CallableEndpoint[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'default' || !isApiFunction(value)) continue;
    const meta = value[API_FUNCTION] as ApiFunctionMeta & { fn: (...args: unknown[]) => unknown };
    const signature = signatures[name];
    const where = signature && { file, line: signature.line, column: signature.column };
    const base = { path: `/${module}/${name}`, module, function: name, file: relativeFile };
    const { timeoutMs, params } = meta.options;
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
      throw new ModuleLoadError(`${name}: timeoutMs must be a positive whole number of milliseconds`, where);
    }
    if (params !== undefined) {
      endpoints.push({
        ...zodEndpoint(base, params, signature, where),
        timeoutMs,
        async: isAsync(meta.fn),
        fn: meta.fn,
      });
      continue;
    }
    if (!signature) {
      throw new ModuleLoadError(
        `${name}: cannot read its parameters; export it as "export const ${name} = apiFunction(...)" or use zod params`,
      );
    }
    if (signature.kind === 'problem') throw new ModuleLoadError(`${name}: ${signature.message}`, where);
    const schema = irToSchema(signature.body);
    const names = signature.body.properties.map((property) => property.name);
    const positional = signature.callStyle === 'positional';
    endpoints.push({
      info: { ...base, description: signature.description, style: 'signature', params: toJsonSchema(schema) },
      timeoutMs,
      async: isAsync(meta.fn),
      fn: meta.fn,
      parse: (body) => {
        const parsed = parseInput(schema, body) as Record<string, unknown>;
        return positional ? names.map((paramName) => parsed[paramName]) : [parsed];
      },
    });
  }
  return endpoints;
}

function zodEndpoint(
  base: Omit<EndpointInfo, 'style' | 'params' | 'description'>,
  params: unknown,
  signature: SignatureResult | undefined,
  where: ConstructorParameters<typeof ModuleLoadError>[1],
): Pick<CallableEndpoint, 'info' | 'parse'> {
  if (!isZodObject(params)) {
    throw new ModuleLoadError(
      `${base.function}: "params" must be a zod object, e.g. z.object({ name: z.string() })`,
      where,
    );
  }
  // Like signature-style functions, refuse unknown keys unless the schema says otherwise
  // (.loose() or .catchall(...) set a catchall). .strict() makes a copy, and zod keeps
  // descriptions per instance: carry it over.
  const described = params.description;
  const strict = params._zod.def.catchall === undefined ? params.strict() : params;
  const schema = described && strict !== params ? strict.describe(described) : strict;
  return {
    info: {
      ...base,
      description: described ?? (signature?.kind === 'signature' ? signature.description : undefined),
      style: 'zod',
      params: toJsonSchema(schema),
    },
    parse: (body) => [parseInput(schema, body)],
  };
}

/**
 * A zod 4 object schema, from this runtime's zod or another copy (a package in the project may
 * bring its own): recognised by shape, not by class.
 */
function isZodObject(value: unknown): value is z.ZodObject {
  const internals = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod;
  return internals?.def?.type === 'object' && typeof (value as z.ZodObject).strict === 'function';
}

const isAsync = (fn: unknown) => typeof fn === 'function' && fn.constructor.name === 'AsyncFunction';

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return jsonSchema;
}
