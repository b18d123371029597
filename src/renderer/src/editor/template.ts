import { isHelperPath, moduleNameOf } from './files.js';

/**
 * The text a new file starts with. A module gets one endpoint of each style (like
 * apis/template.ts, smaller); a helper (`_money.ts`) gets an exported function to import.
 */
export function newFileText(path: string): string {
  const module = moduleNameOf(path);
  if (isHelperPath(path) || module === undefined) {
    return `/**
 * A helper: modules import it with a relative import (\`import { round } from './${helperImport(path)}'\`).
 * Files and folders starting with "_" are never endpoints.
 */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
`;
  }
  return `/**
 * Every function wrapped in apiFunction(...) and exported is an endpoint:
 * POST /${module}/hello and POST /${module}/divide.
 */
import { apiFunction, ApiError } from 'api-deploy';
import { z } from 'zod';

/**
 * Signature style: the parameters are read from the types and defaults.
 * @param name - who to greet, "World" by default
 */
export const hello = apiFunction((name: string = 'World') => {
  return { message: \`Hello, \${name}!\` };
});

/** Zod style: the parsed body is the single argument. */
export const divide = apiFunction(
  { params: z.object({ a: z.number(), b: z.number() }) },
  ({ a, b }) => {
    if (b === 0) throw new ApiError('Cannot divide by zero', { status: 422, code: 'DIVISION_BY_ZERO' });
    return { result: a / b };
  },
);
`;
}

function helperImport(path: string): string {
  const name = path.split('/').pop() ?? path;
  return name.replace(/\.(m?)ts$/, '.$1js').replace(/\.js$/, '');
}
