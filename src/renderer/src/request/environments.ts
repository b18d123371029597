/**
 * Environments of the request panel: named sets of variables used in the body and the headers as
 * `{{name}}`, and optionally which kind of token to send (a reference: never a token value).
 * Kept in this browser's localStorage and read through zod, since storage is a boundary: an
 * entry that does not fit is dropped.
 */
import * as z from 'zod/mini';
import { TOKEN_KINDS } from '../../../shared/admin-api.js';

const STORAGE_KEY = 'api-deploy.environments';
export const ENVIRONMENT_NAME_MAX = 40;

/** What a variable's name is made of (as `{{name}}` reads it). */
const VARIABLE_NAME = /^[A-Za-z_][\w.-]*$/;
/** `{{name}}`, spaces allowed inside the braces. */
const REFERENCE = /\{\{\s*([^{}\s]*)\s*\}\}/g;

const variable = z.object({ name: z.string().check(z.regex(VARIABLE_NAME)), value: z.string() });
const environment = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(ENVIRONMENT_NAME_MAX)),
  /** The kind of token to send in this environment; absent: the panel's choice stands. */
  token: z.optional(z.enum(TOKEN_KINDS)),
  variables: z.array(variable),
});
const store = z.object({ active: z.optional(z.string()), environments: z.array(environment) });

export type Variable = z.infer<typeof variable>;
export type Environment = z.infer<typeof environment>;
export type EnvironmentStore = z.infer<typeof store>;

const EMPTY: EnvironmentStore = { environments: [] };

export function readEnvironments(): EnvironmentStore {
  try {
    const parsed = store.safeParse(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null'));
    return parsed.success ? parsed.data : EMPTY;
  } catch {
    return EMPTY;
  }
}

/** Writes the environments (variables not yet named are not kept). */
export function writeEnvironments(next: EnvironmentStore): void {
  const kept: EnvironmentStore = {
    ...next,
    environments: next.environments.map((env) => ({
      ...env,
      variables: env.variables.filter((entry) => VARIABLE_NAME.test(entry.name)),
    })),
  };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(store.parse(kept)));
  } catch {
    // storage refused (private mode, quota): the environments live for this page
  }
}

/** The environment in force, if one is chosen and still exists. */
export const activeEnvironment = (environments: EnvironmentStore): Environment | undefined =>
  environments.environments.find((env) => env.name === environments.active);

/** Why a variable name cannot be used, or undefined. */
export function variableNameProblem(name: string, others: readonly Variable[]): string | undefined {
  if (!VARIABLE_NAME.test(name))
    return `"${name}" is not a variable name (a letter or _, then letters, digits, _ . -)`;
  if (others.some((other) => other.name === name)) return `${name} is defined twice`;
  return undefined;
}

/** Why an environment name cannot be used, or undefined. */
export function environmentNameProblem(name: string, others: readonly Environment[]): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'An environment needs a name';
  if (trimmed.length > ENVIRONMENT_NAME_MAX) return `A name of at most ${ENVIRONMENT_NAME_MAX} characters`;
  if (others.some((other) => other.name === trimmed)) return `There is an environment "${trimmed}" already`;
  return undefined;
}

/** The `{{name}}` references of a text, in order, each once. */
export function referencesIn(text: string): string[] {
  return [...new Set([...text.matchAll(REFERENCE)].map((match) => match[1]!))];
}

export interface Substituted<T> {
  value: T;
  /** The names referred to that the environment does not define. */
  unknown: string[];
}

/** A text with each `{{name}}` replaced by the variable's value; unknown ones are left and listed. */
export function substitute(text: string, variables: readonly Variable[]): Substituted<string> {
  const unknown: string[] = [];
  const value = text.replace(REFERENCE, (reference, name: string) => {
    const found = variables.find((entry) => entry.name === name);
    if (found) return found.value;
    if (!unknown.includes(name)) unknown.push(name);
    return reference;
  });
  return { value, unknown };
}

/**
 * The body with `{{name}}` replaced inside its strings (keys and values): a variable is text, so
 * the JSON stays JSON whatever the value holds.
 */
export function substituteInJson(value: unknown, variables: readonly Variable[]): Substituted<unknown> {
  const unknown = new Set<string>();
  const text = (input: string) => {
    const result = substitute(input, variables);
    for (const name of result.unknown) unknown.add(name);
    return result.value;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return text(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [text(key), walk(item)]));
    return node;
  };
  const result = walk(value);
  return { value: result, unknown: [...unknown] };
}

/** Why unknown references stop a send: a sentence naming them. */
export function unknownVariablesProblem(
  unknown: readonly string[],
  environment?: Environment,
): string | undefined {
  if (unknown.length === 0) return undefined;
  const names = unknown.map((name) => `{{${name}}}`).join(', ');
  const verb = unknown.length === 1 ? 'is' : 'are';
  return environment
    ? `${names} ${verb} not defined in the environment "${environment.name}"`
    : `${names} ${verb} not defined: choose an environment that defines ${unknown.length === 1 ? 'it' : 'them'}`;
}
