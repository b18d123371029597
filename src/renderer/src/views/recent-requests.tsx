import { History, Trash2 } from 'lucide-react';
import type { HistoryEntry } from '../request-history.js';
import { formatClock } from '../time.js';
import { statusClass } from './response-view.js';

/** The requests sent lately (never their tokens): each opens again; Clear forgets them. */
export function RecentRequests({
  history,
  onOpen,
  onClear,
}: {
  history: readonly HistoryEntry[];
  onOpen: (entry: HistoryEntry) => void;
  onClear: () => void;
}) {
  return (
    <section className="card stack" aria-label="History">
      <div className="row">
        <h2 style={{ margin: 0 }}>
          <History size={15} aria-hidden /> Recent requests
        </h2>
        {history.length > 0 && (
          <button type="button" style={{ marginLeft: 'auto' }} onClick={onClear}>
            <Trash2 size={14} aria-hidden /> Clear
          </button>
        )}
      </div>
      {history.length === 0 ? (
        <p className="muted small">Requests you send are listed here (without their tokens).</p>
      ) : (
        <ul className="history">
          {history.map((entry, index) => (
            <li key={`${entry.at}:${index}`}>
              <button type="button" className="history-item" onClick={() => onOpen(entry)}>
                <span className={`badge ${statusClass(entry.status)}`}>{entry.status}</span>
                <code>{entry.endpoint}</code>
                <span className="muted small mono">{oneLine(entry.body)}</span>
                <span className="muted small">
                  {Math.round(entry.durationMs)} ms · {formatClock(entry.at)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
};
