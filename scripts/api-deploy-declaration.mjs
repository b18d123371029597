// @ts-check
/**
 * BUILD TIME ONLY (electron.vite.config.ts, scripts/build-server.mjs and tests use it; the panel
 * must not: it would bundle TypeScript). Turns src/server/public.ts, what `import { apiFunction,
 * ApiError } from 'api-deploy'` gives a module, into the declaration TypeScript reads: the
 * panel's editor gets it as a lib, and the npm package ships it (out/server/api-deploy.d.ts, the
 * package's `types`) for editors of a workspace made by `api-deploy init`. One source, so the
 * two cannot drift apart. Plain JavaScript, so the build script runs it without a compile step.
 */
import ts from 'typescript';

/**
 * @param {string} source the text of src/server/public.ts
 * @returns {string}
 */
export function apiDeployDeclaration(source) {
  const { outputText } = ts.transpileDeclaration(source, {
    fileName: 'api-deploy.ts',
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, stripInternal: true },
  });
  if (!/export declare function apiFunction/.test(outputText)) {
    throw new Error('api-deploy typings: no apiFunction in the declaration of src/server/public.ts');
  }
  return `// Generated at build time from src/server/public.ts.\n${outputText}`;
}
