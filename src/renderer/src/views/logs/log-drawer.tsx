import { Check, Copy, Send, X } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { LogEntry } from '../../../../shared/admin-api.js';
import type { Replay } from '../../request-history.js';
import { formatLogDateTime, levelName, replayOf } from './format.js';

export interface LogDrawerProps {
  entry: LogEntry;
  /** Takes the focus each time this number changes (opened from the keyboard); 0: never. */
  focusRequest: number;
  onClose(): void;
  onReplay(replay: Replay): void;
}

/**
 * The details of one log line beside the list: its full JSON, copyable, the logged texts
 * (request body, response, stack) readable, and for a request a way to send it again.
 */
export function LogDrawer({ entry, focusRequest, onClose, onReplay }: LogDrawerProps) {
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const json = useMemo(() => JSON.stringify(entry, null, 2), [entry]);
  const replay = replayOf(entry);
  const [copied, setCopied] = useState<'ok' | 'failed'>();

  useEffect(() => {
    if (focusRequest > 0) closeRef.current?.focus();
  }, [focusRequest]);
  useEffect(() => setCopied(undefined), [entry]);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(undefined), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = () => copyText(json).then((ok) => setCopied(ok ? 'ok' : 'failed'));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <aside
      className="log-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
    >
      <header className="log-drawer-head">
        <h2 id={titleId}>
          Log line <span className="muted">#{entry.seq}</span>
        </h2>
        <button
          ref={closeRef}
          type="button"
          className="icon-button"
          onClick={onClose}
          aria-label="Close details"
          title="Close (Esc)"
        >
          <X size={16} aria-hidden />
        </button>
      </header>
      <dl className="log-facts">
        <dt>Time</dt>
        <dd className="mono">{formatLogDateTime(entry.time)}</dd>
        <dt>Level</dt>
        <dd>{levelName(entry.level)}</dd>
        {entry.kind && (
          <>
            <dt>Kind</dt>
            <dd>{entry.kind}</dd>
          </>
        )}
        {entry.requestId && (
          <>
            <dt>Request id</dt>
            <dd className="mono">{entry.requestId}</dd>
          </>
        )}
      </dl>
      <div className="row">
        <button type="button" onClick={copy}>
          {copied === 'ok' ? <Check size={15} aria-hidden /> : <Copy size={15} aria-hidden />}
          {copied === 'ok' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy JSON'}
        </button>
        {replay && (
          <button type="button" onClick={() => onReplay(replay)}>
            <Send size={15} aria-hidden /> Open in request panel
          </button>
        )}
      </div>
      <span className="logs-sr-only" role="status">
        {copied === 'ok' ? 'Copied to the clipboard' : ''}
      </span>
      <LoggedText label="Request body" value={entry.body} />
      <LoggedText label="Response" value={entry.response} />
      <LoggedText
        label="Stack"
        value={(entry.err as { stack?: unknown } | undefined)?.stack ?? entry.stack}
      />
      <h3>JSON</h3>
      <pre className="log-json" tabIndex={0} aria-label="Log line as JSON">
        {json}
      </pre>
    </aside>
  );
}

/** A logged text field (body, response, stack) shown readable: pretty when it is JSON. */
function LoggedText({ label, value }: { label: string; value: unknown }) {
  if (typeof value !== 'string' || value === '') return null;
  let text = value;
  try {
    text = JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    // not JSON (or cut at logMaxBodySize): as logged
  }
  return (
    <>
      <h3>{label}</h3>
      <pre className="log-json" tabIndex={0} aria-label={label}>
        {text}
      </pre>
    </>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (a page over plain http): the older way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}
