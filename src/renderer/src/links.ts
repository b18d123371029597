/** A path of the APIs folder for a URL: each segment encoded (`#`, `?`, spaces), the slashes kept. */
export function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The editor's route for a file of the APIs folder. */
export function editorHref(file: string): string {
  return `/editor/${encodePath(file)}`;
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
