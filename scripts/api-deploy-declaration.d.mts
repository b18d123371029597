// Types of api-deploy-declaration.mjs, for the configs and tests written in TypeScript.
export function apiDeployDeclaration(source: string): string;
