/** The declaration of `api-deploy` for the editor, generated at build time (electron.vite.config.ts). */
declare module 'virtual:api-deploy-typings' {
  const declaration: string;
  export default declaration;
}
