// The helper is plain JavaScript (the build script runs it as is); this name is kept for the
// TypeScript that imports it (electron.vite.config.ts, the editor typings test).
export { apiDeployDeclaration } from './api-deploy-declaration.mjs';
