/**
 * BUILD TIME ONLY (electron.vite.config.ts and tests import it; the panel must not: it would
 * bundle TypeScript). Turns src/server/public.ts, what `import { apiFunction, ApiError } from
 * 'api-deploy'` gives a module, into the declaration the editor's TypeScript reads, so the two
 * cannot drift apart.
 */
import ts from 'typescript';

export function apiDeployDeclaration(source: string): string {
  const { outputText } = ts.transpileDeclaration(source, {
    fileName: 'api-deploy.ts',
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, stripInternal: true },
  });
  if (!/export declare function apiFunction/.test(outputText)) {
    throw new Error('api-deploy typings: no apiFunction in the declaration of src/server/public.ts');
  }
  return `// Generated at build time from src/server/public.ts.\n${outputText}`;
}
