/**
 * The request body in Monaco's JSON editor (bundled, see editor/monaco-core.ts), checked and
 * completed against the endpoint's parameter schema; Ctrl/Cmd+Enter sends. Loaded lazily by the
 * request panel: Monaco is most of the panel's weight.
 */
import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { editor as MonacoEditor } from 'monaco-editor/editor';
import { jsonDefaults, monaco } from '../editor/monaco-core.js';
import { monoFont } from '../editor/mono-font.js';
import { BODY_MODEL_URI, withBodySchema, type JsonDiagnosticsOptions } from '../request/body-schema.js';
import type { JsonSchema } from '../schema.js';
import { usePrefersDark } from '../use-prefers-dark.js';

export interface BodyEditorProps {
  /** The endpoint whose parameters the body is checked against. */
  endpoint?: { path: string; params: JsonSchema };
  value: string;
  /** Changes each time the body is set from outside (another endpoint, a past request): then `value` replaces the text. */
  revision: number;
  label: string;
  invalid: boolean;
  describedBy?: string;
  onChange: (value: string) => void;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
}

export function BodyEditor(props: BodyEditorProps) {
  const { endpoint, value, revision, label } = props;
  const dark = usePrefersDark();
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor>();
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  // The body model is checked against this endpoint's parameters, while the editor shows.
  const path = endpoint?.path;
  const params = endpoint?.params;
  useEffect(() => {
    const options = jsonDefaults.diagnosticsOptions as JsonDiagnosticsOptions;
    jsonDefaults.setDiagnosticsOptions(
      withBodySchema(options, path && params ? { path, params } : undefined) as typeof options,
    );
    return () =>
      jsonDefaults.setDiagnosticsOptions(
        withBodySchema(jsonDefaults.diagnosticsOptions as JsonDiagnosticsOptions) as typeof options,
      );
  }, [path, params]);

  // Monaco owns the text while it is typed (feeding it back as a controlled value loses keys
  // typed before React renders); a body set from outside replaces it.
  useEffect(() => {
    const model = editor?.getModel();
    if (model && model.getValue() !== latest.current.value) model.setValue(latest.current.value);
  }, [editor, revision]);

  // Screen readers and the aria-invalid state reach Monaco's own textarea.
  useEffect(() => {
    const input = editor?.getDomNode()?.querySelector('textarea');
    if (!input) return;
    input.setAttribute('aria-invalid', String(props.invalid));
    if (props.describedBy) input.setAttribute('aria-describedby', props.describedBy);
  }, [editor, props.invalid, props.describedBy]);

  const onMount: OnMount = (instance) => {
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => latest.current.onSubmit());
    setEditor(instance);
  };

  return (
    <div className="body-editor" data-testid="body-editor">
      <Editor
        path={BODY_MODEL_URI}
        defaultValue={value}
        language="json"
        theme={dark ? 'vs-dark' : 'vs'}
        height="100%"
        loading={<p className="muted small">Starting the editor…</p>}
        onMount={onMount}
        onChange={(next) => {
          if (next !== undefined) latest.current.onChange(next);
        }}
        options={{
          ariaLabel: label,
          minimap: { enabled: false },
          fontFamily: monoFont(),
          fontSize: 13,
          tabSize: 2,
          lineNumbers: 'off',
          folding: false,
          glyphMargin: false,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fixedOverflowWidgets: true,
          wordWrap: 'on',
          quickSuggestions: { strings: true, other: true, comments: false },
        }}
      />
    </div>
  );
}
