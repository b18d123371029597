/**
 * Monaco for one open file (through @monaco-editor/react, pointed at the bundled Monaco by
 * ./monaco.ts): the file's model, the server's diagnostics as markers, TypeScript's markers
 * reported back for the problems panel, the helpers the file imports loaded as models so
 * IntelliSense sees them, and the OS's light or dark theme.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { editor as MonacoEditor } from 'monaco-editor/editor';
import type { Diagnostic } from '../../../shared/admin-api.js';
import { MARKER_OWNER, markersFor, type ReportedMarker } from './diagnostics.js';
import { languageOf, MODEL_ROOT, modelUri, relativeImports, resolveImport } from './files.js';
import { monaco, typingsReady } from './monaco.js';
import { monoFont } from './mono-font.js';

export interface CodeEditorHandle {
  /** Puts the cursor at a 1-based line and column, scrolled into view, and focuses the editor. */
  reveal: (line: number, column: number) => void;
}

export interface CodeEditorProps {
  /** The open file, relative to the APIs folder. */
  path: string;
  /** Its text: the editor reports changes with `onChange`, and takes it only when `revision` changes. */
  value: string;
  /** Whether `value` is the loaded text of `path` (false while another file loads). */
  ready: boolean;
  /** Changes each time the file is loaded from disk: then `value` replaces the editor's text. */
  revision: number;
  readOnly: boolean;
  diagnostics: readonly Diagnostic[];
  /** The files of the APIs folder with their modification time (a helper model reloads when it changes). */
  files: ReadonlyMap<string, string>;
  onChange: (value: string) => void;
  /** TypeScript's markers of the open file, each time they change. */
  onMarkers: (markers: ReportedMarker[]) => void;
  onReady: (handle: CodeEditorHandle) => void;
  /** Reads a file (a helper the open file imports). */
  loadFile: (path: string) => Promise<string>;
  /** A helper that could not be loaded for IntelliSense. */
  onLoadError: (path: string, error: unknown) => void;
}

const uriOf = (path: string) => monaco.Uri.parse(modelUri(path));

export function CodeEditor(props: CodeEditorProps) {
  const { path, value, ready, revision, readOnly, diagnostics, files } = props;
  const dark = usePrefersDark();
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor>();
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  // The file shown: the open one once it is loaded; until then the previous one, read-only.
  const [shown, setShown] = useState<{ path: string; value: string }>();
  useEffect(() => {
    if (!ready || shown?.path === path) return;
    // A model left from earlier (the file was open before, or loaded as a helper) starts afresh.
    const model = monaco.editor.getModel(uriOf(path));
    if (model && model.getValue() !== value) model.setValue(value);
    setShown({ path, value });
  }, [ready, path, value, shown?.path]);

  // Live: the editor shows the open file, loaded. Otherwise (another file or a revert loading)
  // it keeps what it shows, read-only.
  const live = ready && shown?.path === path;

  // Monaco owns the text while it is typed (feeding it back as a controlled value loses keys
  // that arrive before React renders); the text only comes in from outside when the file is
  // loaded again (a revert): then it replaces the model's.
  useEffect(() => {
    if (!live) return;
    const model = monaco.editor.getModel(uriOf(path));
    if (model && model.getValue() !== latest.current.value) model.setValue(latest.current.value);
  }, [live, path, revision]);

  // The server's diagnostics of this file as markers; those of other files are listed, not placed.
  useEffect(() => {
    if (!editor || shown?.path !== path) return;
    const apply = () => {
      const model = monaco.editor.getModel(uriOf(path));
      if (model) monaco.editor.setModelMarkers(model, MARKER_OWNER, markersFor(diagnostics, path).markers);
    };
    apply();
    const subscription = editor.onDidChangeModel(apply);
    return () => subscription.dispose();
  }, [editor, path, shown?.path, diagnostics]);

  // TypeScript's markers of this file, for the problems panel.
  useEffect(() => {
    if (!editor) return;
    const uri = uriOf(path);
    const report = () =>
      latest.current.onMarkers(
        monaco.editor.getModelMarkers({ resource: uri }).filter((marker) => marker.owner !== MARKER_OWNER),
      );
    report();
    const subscription = monaco.editor.onDidChangeMarkers((uris) => {
      if (uris.some((changed) => changed.toString() === uri.toString())) report();
    });
    return () => subscription.dispose();
  }, [editor, path]);

  // zod's declarations load in their own chunk: a failure (a stale build, a lost connection) is said.
  useEffect(() => {
    typingsReady.catch((error: unknown) => latest.current.onLoadError('zod', error));
  }, []);

  // The helpers this file imports, as models: TypeScript then knows what they export.
  const helpersLoaded = useRef(new Map<string, string>());
  useEffect(() => {
    if (!ready) return;
    const timer = setTimeout(() => {
      void loadImported(path, value, files, helpersLoaded.current, latest.current);
    }, 600);
    return () => clearTimeout(timer);
  }, [ready, path, value, files]);

  // The file left behind: its model may hold changes that were dropped, so it goes (it comes
  // back fresh from disk if the new file imports it). Runs after the editor took the new model.
  const previous = useRef<string>(undefined);
  useEffect(() => {
    const before = previous.current;
    previous.current = shown?.path;
    if (before === undefined || before === shown?.path) return;
    helpersLoaded.current.delete(before);
    monaco.editor.getModel(uriOf(before))?.dispose();
  }, [shown?.path]);

  // Models of files that are gone (deleted, renamed) leave TypeScript's view too.
  useEffect(() => {
    for (const model of monaco.editor.getModels()) {
      const uri = model.uri.toString();
      if (!uri.startsWith(MODEL_ROOT)) continue;
      const modelPath = decodeURIComponent(model.uri.path.slice('/apis/'.length));
      if (modelPath !== path && modelPath !== shown?.path && !files.has(modelPath)) {
        helpersLoaded.current.delete(modelPath);
        model.dispose();
      }
    }
  }, [files, path, shown?.path]);

  const onMount: OnMount = (instance) => {
    setEditor(instance);
    latest.current.onReady({
      reveal(line, column) {
        instance.setPosition({ lineNumber: line, column });
        instance.revealPositionInCenterIfOutsideViewport({ lineNumber: line, column });
        instance.focus();
      },
    });
  };

  if (!shown) return <p className="muted pad">Loading…</p>;
  return (
    <Editor
      path={modelUri(shown.path)}
      defaultValue={shown.value}
      language={languageOf(shown.path)}
      theme={dark ? 'vs-dark' : 'vs'}
      loading={<p className="muted">Starting the editor…</p>}
      onMount={onMount}
      onChange={(next) => {
        if (live && next !== undefined) latest.current.onChange(next);
      }}
      options={{
        readOnly: readOnly || !live,
        minimap: { enabled: false },
        fontFamily: monoFont(),
        fontSize: 13,
        tabSize: 2,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fixedOverflowWidgets: true,
        renderLineHighlight: 'all',
        'semanticHighlighting.enabled': true,
      }}
    />
  );
}

/** Loads the helpers `source` imports (and theirs), once, or again when they change on disk. */
async function loadImported(
  from: string,
  source: string,
  files: ReadonlyMap<string, string>,
  loaded: Map<string, string>,
  props: Pick<CodeEditorProps, 'loadFile' | 'onLoadError'>,
  depth = 0,
): Promise<void> {
  if (depth > 4) return;
  const paths = new Set(files.keys());
  for (const specifier of relativeImports(source)) {
    const helper = resolveImport(from, specifier, paths);
    if (!helper || helper === from) continue;
    const modified = files.get(helper) ?? '';
    const model = monaco.editor.getModel(uriOf(helper));
    if (model && loaded.get(helper) === modified) continue;
    // A model the user has open is theirs, not a helper's copy.
    if (model && !loaded.has(helper)) continue;
    loaded.set(helper, modified);
    let content: string;
    try {
      content = await props.loadFile(helper);
    } catch (error) {
      loaded.delete(helper);
      props.onLoadError(helper, error);
      continue;
    }
    const existing = monaco.editor.getModel(uriOf(helper));
    if (existing) {
      if (existing.getValue() !== content) existing.setValue(content);
    } else {
      monaco.editor.createModel(content, languageOf(helper), uriOf(helper));
    }
    await loadImported(helper, content, files, loaded, props, depth + 1);
  }
}

const DARK = '(prefers-color-scheme: dark)';

/** Whether the OS asks for dark colours, following changes. */
function usePrefersDark(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia?.(DARK);
      query?.addEventListener('change', onChange);
      return () => query?.removeEventListener('change', onChange);
    },
    () => window.matchMedia?.(DARK).matches ?? false,
  );
}
