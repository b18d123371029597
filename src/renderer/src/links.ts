/** The editor's route for a file of the APIs folder, each segment encoded (`#`, `?`, spaces). */
export function editorHref(file: string): string {
  return `/editor/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** A wildcard route parameter back to the path it encodes (a bad escape is kept as typed). */
export function decodePath(param: string | undefined): string | undefined {
  if (!param) return undefined;
  return param
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}
