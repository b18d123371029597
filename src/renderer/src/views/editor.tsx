// Being written (editor view); replaced by the Monaco editor view.
export function EditorView({ file }: { file?: string }) {
  return <div className="page">Editor {file}</div>;
}
