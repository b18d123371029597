/**
 * Monaco replaced for the editors' tests (it cannot run in jsdom): the @monaco-editor/react
 * component by a textarea, and the bundled Monaco (editor/monaco.ts, editor/monaco-core.ts) by a
 * fake that keeps models, markers, commands and the JSON language's options, so what a view asks
 * of Monaco is checked. A test file mocks the modules with `monacoModule`, `monacoCoreModule`
 * and `monacoReactModule`, imported in `vi.mock`'s factory.
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
  // Monaco's key codes, as far as the panel binds them.
  const KeyMod = { CtrlCmd: 2048 };
  const KeyCode = { Enter: 3 };
  const monaco = {
    Uri,
    KeyMod,
    KeyCode,
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
  // Commands bound with `addCommand`, by keybinding.
  const commands = new Map<number, () => void>();
  const editor = {
    /** The model of the editor mounted last. */
    model: undefined as FakeModel | undefined,
    /** The element of the editor mounted last. */
    element: undefined as HTMLElement | undefined,
    getModel: () => editor.model ?? null,
    getDomNode: () => editor.element ?? null,
    addCommand: (keybinding: number, handler: () => void) => {
      commands.set(keybinding, handler);
      return String(keybinding);
    },
    setPosition: vi.fn(),
    revealPositionInCenterIfOutsideViewport: vi.fn(),
    focus: vi.fn(),
    onDidChangeModel: () => ({ dispose: () => {} }),
  };
  // The JSON language's defaults (`jsonDefaults`): what the panel set last.
  const jsonDefaults = {
    diagnosticsOptions: { validate: true, schemas: [] } as Record<string, unknown>,
    setDiagnosticsOptions(options: Record<string, unknown>) {
      jsonDefaults.diagnosticsOptions = options;
    },
  };
  return {
    monaco,
    editor,
    models,
    markers,
    commands,
    jsonDefaults,
    /** Presses a key combination in the editor: the command bound to it runs. */
    press(keybinding: number) {
      commands.get(keybinding)?.();
    },
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
      commands.clear();
      editor.model = undefined;
      editor.element = undefined;
      jsonDefaults.diagnosticsOptions = { validate: true, schemas: [] };
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
  options: { readOnly?: boolean; minimap?: { enabled: boolean }; ariaLabel?: string };
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
  const wrapper = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (mounted.current) return;
    mounted.current = true;
    fake.editor.model = model;
    fake.editor.element = wrapper.current ?? undefined;
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
    <div ref={wrapper}>
      <textarea
        ref={area}
        aria-label={props.options.ariaLabel ?? 'Code'}
        data-path={props.path}
        data-language={props.language}
        data-theme={props.theme}
        data-minimap={String(props.options.minimap?.enabled)}
        readOnly={props.options.readOnly}
        value={model.getValue()}
        onChange={(event) => {
          model.setValue(event.target.value);
          props.onChange(event.target.value);
        }}
        onKeyDown={(event) => {
          // Monaco's Ctrl/Cmd (KeyMod.CtrlCmd) + Enter (KeyCode.Enter), when a command is bound to it.
          if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') fake.press(2048 | 3);
        }}
      />
    </div>
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

/** What `editor/monaco-core.js` exports, faked. */
export const monacoCoreModule = { monaco: fake.monaco, jsonDefaults: fake.jsonDefaults };

/** What `@monaco-editor/react` exports, faked. */
export const monacoReactModule = {
  loader: { config: vi.fn() },
  default: FakeEditor,
  DiffEditor: FakeDiffEditor,
};
