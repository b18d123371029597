/**
 * The problems of the open file: the server's check (`POST /api/files/check`) as Monaco markers,
 * and one list merging them with the TypeScript worker's markers for the problems panel.
 */
import type { Diagnostic } from '../../../shared/admin-api.js';

/** The owner of the markers the server's check sets (TypeScript's own are `typescript`). */
export const MARKER_OWNER = 'api-deploy';

/** Monaco's `MarkerSeverity` values (kept here so this module needs no Monaco). */
export const Severity = { Hint: 1, Info: 2, Warning: 4, Error: 8 } as const;

/** The shape of Monaco's `IMarkerData`, as far as the editor sets it. */
export interface MarkerData {
  severity: number;
  message: string;
  source?: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** A marker as Monaco reports it (`editor.getModelMarkers`), as far as the panel reads it. */
export interface ReportedMarker extends MarkerData {
  owner: string;
  code?: string | { value: string };
}

/**
 * Splits the server's diagnostics of `file` into the markers to place in its model, and those
 * of other files (a helper it imports), which are listed but not placed.
 */
export function markersFor(
  diagnostics: readonly Diagnostic[],
  file: string,
): { markers: MarkerData[]; elsewhere: Diagnostic[] } {
  const markers: MarkerData[] = [];
  const elsewhere: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.file !== file) {
      elsewhere.push(diagnostic);
      continue;
    }
    const line = Math.max(1, diagnostic.line);
    const column = Math.max(1, diagnostic.column);
    markers.push({
      severity: Severity.Error,
      message: diagnostic.message,
      source: diagnostic.source === 'params' ? 'api-deploy (parameters)' : 'api-deploy (compile)',
      // An empty range: Monaco widens it to the word at that position.
      startLineNumber: line,
      startColumn: column,
      endLineNumber: line,
      endColumn: column,
    });
  }
  return { markers, elsewhere };
}

/** One row of the problems panel. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
  /** Who found it: the server's bundler, its parameter reader, or TypeScript in the editor. */
  source: 'compile' | 'params' | 'typescript';
  /** In the open file (click jumps to it) or in another one (click opens it). */
  inOpenFile: boolean;
  /** An import of a package the workspace lacks: the fix is to install it. */
  missingPackage?: string;
}

/**
 * The problems panel's rows: the open file's first (by position), then other files'. TypeScript's
 * markers count from warnings up; hints and infos (unused variables...) stay in the editor.
 */
export function problemsOf(
  diagnostics: readonly Diagnostic[],
  typescriptMarkers: readonly ReportedMarker[],
  file: string,
): Problem[] {
  const problems: Problem[] = diagnostics.map((diagnostic) => ({
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column,
    message: diagnostic.message,
    severity: 'error',
    source: diagnostic.source,
    inOpenFile: diagnostic.file === file,
    ...(diagnostic.missingPackage ? { missingPackage: diagnostic.missingPackage } : {}),
  }));
  for (const marker of typescriptMarkers) {
    if (marker.owner === MARKER_OWNER || marker.severity < Severity.Warning) continue;
    const code = typeof marker.code === 'object' ? marker.code.value : marker.code;
    problems.push({
      file,
      line: marker.startLineNumber,
      column: marker.startColumn,
      message: code ? `${marker.message} (TS${code})` : marker.message,
      severity: marker.severity >= Severity.Error ? 'error' : 'warning',
      source: 'typescript',
      inOpenFile: true,
    });
  }
  return problems.sort(
    (a, b) =>
      Number(b.inOpenFile) - Number(a.inOpenFile) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
}
