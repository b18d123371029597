/**
 * Monaco replaced for the editor's tests (it cannot run in jsdom): the @monaco-editor/react
 * component by a textarea, and the bundled Monaco (editor/monaco.ts) by a fake that keeps models
 * and markers, so what the view asks of Monaco is checked. A test file mocks both modules with
 * `monacoModule` and `monacoReactModule`, imported in `vi.mock`'s factory.
 */
import { useEffect, useRef, useState } from 'react';
import { vi } from 'vitest';

interface FakeModel {
  uri: { path: string; toString: () => string };
  language: string;
  value: string;
  getValue: () => string;
  setValue: (value: string) => void;
  dispose: () => void;
  /** The fake editor showing the model re-renders on a change. */
  listener?: (value: string) => void;
}

export const fake = (() => {
  const models = new Map<string, FakeModel>();
  const markers = new Map<string, unknown[]>();
  const markerListeners = new Set<(uris: { toString: () => string }[]) => void>();
  let typescriptMarkers: unknown[] = [];
  const Uri = {
    parse: (text: string) => ({ path: new URL(text).pathname, toString: () => text }),
  };
  const createModel = (value: string, language: string, uri: { path: string; toString: () => string }) => {
    const model: FakeModel = {
      uri,
      language,
      value,
      getValue: () => model.value,
      setValue: (next: string) => {
        model.value = next;
        model.listener?.(next);
      },
      dispose: () => {
        models.delete(uri.toString());
      },
    };
    models.set(uri.toString(), model);
    return model;
  };
  const monaco = {
    Uri,
    editor: {
      getModel: (uri: { toString: () => string }) => models.get(uri.toString()) ?? null,
      getModels: () => [...models.values()],
      createModel,
      setModelMarkers: (model: FakeModel, owner: string, list: unknown[]) => {
        markers.set(`${model.uri.toString()} ${owner}`, list);
      },
      getModelMarkers: ({ resource }: { resource: { toString: () => string } }) =>
        resource.toString() === 'file:///apis/template.ts' ? typescriptMarkers : [],
      onDidChangeMarkers: (listener: (uris: { toString: () => string }[]) => void) => {
        markerListeners.add(listener);
        return { dispose: () => markerListeners.delete(listener) };
      },
    },
  };
  const editor = {
    setPosition: vi.fn(),
    revealPositionInCenterIfOutsideViewport: vi.fn(),
    focus: vi.fn(),
    onDidChangeModel: () => ({ dispose: () => {} }),
  };
  return {
    monaco,
    editor,
    models,
    markers,
    /** TypeScript reports new markers for template.ts. */
    setTypescriptMarkers(list: unknown[]) {
      typescriptMarkers = list;
      for (const listener of markerListeners) listener([Uri.parse('file:///apis/template.ts')]);
    },
    reset() {
      models.clear();
      markers.clear();
      markerListeners.clear();
      typescriptMarkers = [];
      editor.setPosition.mockClear();
      editor.focus.mockClear();
    },
  };
})();

/** The Monaco component: a textarea showing the model of its path. */
export function FakeEditor(props: {
  path: string;
  defaultValue: string;
  language: string;
  theme: string;
  options: { readOnly?: boolean; minimap?: { enabled: boolean } };
  onChange: (value: string | undefined) => void;
  onMount: (editor: unknown, monaco: unknown) => void;
}) {
  // As the real one: a model per path, created with the default value or reused, showing its text.
  const uri = fake.monaco.Uri.parse(props.path);
  const model =
    fake.monaco.editor.getModel(uri) ??
    fake.monaco.editor.createModel(props.defaultValue, props.language, uri);
  const [, setText] = useState(model.getValue());
  useEffect(() => {
    model.listener = setText;
    return () => {
      model.listener = undefined;
    };
  }, [model]);
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) return;
    mounted.current = true;
    props.onMount(fake.editor, fake.monaco);
  });
  // Monaco reports a change from its own listener, outside React's events (React renders it
  // later, not before the next event): a test dispatches `monaco-change` with the new text.
  const area = useRef<HTMLTextAreaElement>(null);
  const onChange = useRef(props.onChange);
  useEffect(() => {
    onChange.current = props.onChange;
  });
  useEffect(() => {
    const element = area.current!;
    const changed = (event: Event) => {
      const value = (event as CustomEvent<string>).detail;
      model.setValue(value);
      onChange.current(value);
    };
    element.addEventListener('monaco-change', changed);
    return () => element.removeEventListener('monaco-change', changed);
  }, [model]);
  return (
    <textarea
      ref={area}
      aria-label="Code"
      data-path={props.path}
      data-theme={props.theme}
      data-minimap={String(props.options.minimap?.enabled)}
      readOnly={props.options.readOnly}
      value={model.getValue()}
      onChange={(event) => {
        model.setValue(event.target.value);
        props.onChange(event.target.value);
      }}
    />
  );
}

/** Monaco's diff editor: the two texts side by side, read-only, as textareas. */
export function FakeDiffEditor(props: {
  original?: string;
  modified?: string;
  language?: string;
  theme?: string;
  options?: { readOnly?: boolean; renderSideBySide?: boolean };
}) {
  return (
    <div data-testid="diff-editor" data-language={props.language} data-theme={props.theme}>
      <textarea aria-label="Version text" readOnly value={props.original ?? ''} />
      <textarea aria-label="Current text" readOnly={props.options?.readOnly} value={props.modified ?? ''} />
    </div>
  );
}

/** What `editor/monaco.js` exports, faked. */
export const monacoModule = { monaco: fake.monaco, typingsReady: Promise.resolve() };

/** What `@monaco-editor/react` exports, faked. */
export const monacoReactModule = {
  loader: { config: vi.fn() },
  default: FakeEditor,
  DiffEditor: FakeDiffEditor,
};
