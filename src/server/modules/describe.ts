import { z } from 'zod';
import type { EndpointInfo } from '../../shared/contract.js';
import { isApiFunction } from '../public.js';
import { ModuleLoadError } from './evaluate.js';
import type { Endpoint } from './registry.js';
import { isSignatureProblem, type SignatureResult } from './signature.js';
import { issuesToDetails, validationError } from './validation.js';

interface DescribeInput {
  module: string;
  /** Absolute path of the module's file, for error locations. */
  file: string;
  relativeFile: string;
  exports: Record<string, unknown>;
  signatures: Map<string, SignatureResult>;
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
}: DescribeInput): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'default' || !isApiFunction(value)) continue;
    const meta = value[Symbol.for('api-deploy.apiFunction') as never] as {
      fn: (...args: unknown[]) => unknown;
      options: { params?: unknown; timeoutMs?: number };
    };
    const signature = signatures.get(name);
    const base = { path: `/${module}/${name}`, module, function: name, file: relativeFile };
    if (
      meta.options.timeoutMs !== undefined &&
      !(Number.isInteger(meta.options.timeoutMs) && meta.options.timeoutMs > 0)
    ) {
      throw new ModuleLoadError(
        `${name}: timeoutMs must be a positive whole number of milliseconds`,
        signatureLocation(file, signature),
      );
    }
    if (meta.options.params !== undefined) {
      endpoints.push(zodEndpoint(base, meta, signature, file));
      continue;
    }
    if (!signature) {
      throw new ModuleLoadError(
        `${name}: cannot read its parameters; export it as "export const ${name} = apiFunction(...)" or use zod params`,
      );
    }
    if (isSignatureProblem(signature)) {
      throw new ModuleLoadError(`${name}: ${signature.message}`, {
        file,
        line: signature.line,
        column: signature.column,
      });
    }
    const { schema, names, callStyle } = signature;
    endpoints.push({
      info: { ...base, description: signature.description, style: 'signature', params: toJsonSchema(schema) },
      timeoutMs: meta.options.timeoutMs,
      fn: meta.fn,
      parse: (body) => {
        const parsed = parseWith(schema, body) as Record<string, unknown>;
        return callStyle === 'object' ? [parsed] : names.map((paramName) => parsed[paramName]);
      },
    });
  }
  return endpoints;
}

function zodEndpoint(
  base: Omit<EndpointInfo, 'style' | 'params' | 'description'>,
  meta: { fn: (...args: unknown[]) => unknown; options: { params?: unknown; timeoutMs?: number } },
  signature: SignatureResult | undefined,
  file: string,
): Endpoint {
  const params = meta.options.params;
  if (!(params instanceof z.ZodObject)) {
    throw new ModuleLoadError(
      `${base.function}: "params" must be a zod object, e.g. z.object({ name: z.string() })`,
      signatureLocation(file, signature),
    );
  }
  // Like signature-style functions, refuse unknown keys unless the schema says otherwise
  // (.passthrough()/.loose() or .catchall(...) set a catchall).
  // .strict() makes a copy, and zod keeps descriptions per instance: carry it over.
  const described = params.description;
  const strict = params._zod.def.catchall === undefined ? params.strict() : params;
  const schema = described && strict !== params ? strict.describe(described) : strict;
  return {
    info: {
      ...base,
      description:
        described ?? (signature && !isSignatureProblem(signature) ? signature.description : undefined),
      style: 'zod',
      params: toJsonSchema(schema),
    },
    timeoutMs: meta.options.timeoutMs,
    fn: meta.fn,
    parse: (body) => [parseWith(schema, body)],
  };
}

function parseWith(schema: z.ZodType, body: Record<string, unknown>): unknown {
  const result = schema.safeParse(body);
  if (!result.success) throw validationError(issuesToDetails(result.error.issues, body));
  return result.data;
}

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return jsonSchema;
}

function signatureLocation(file: string, signature: SignatureResult | undefined) {
  return signature ? { file, line: signature.line, column: signature.column } : undefined;
}
