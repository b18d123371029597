import { SNIPPET_KINDS, snippet, type SnippetCall, type SnippetKind } from '../snippets.js';
import { CopyButton } from './copy-button.js';

const BUTTON_LABELS: Record<SnippetKind, string> = {
  curl: 'Copy as curl',
  fetch: 'Copy as fetch',
  python: 'Copy as Python',
  httpie: 'Copy as HTTPie',
};

/** A row of buttons copying a call as curl, JavaScript `fetch`, Python `requests` and HTTPie. */
export function CopySnippets({ call }: { call: SnippetCall }) {
  return (
    <div className="row" role="group" aria-label="Copy this call">
      {SNIPPET_KINDS.map((kind) => (
        <CopyButton key={kind} text={snippet(kind, call)} label={BUTTON_LABELS[kind]} />
      ))}
    </div>
  );
}
