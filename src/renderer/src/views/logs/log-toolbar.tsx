import { Download, Eraser, FilterX, Pause, Play } from 'lucide-react';
import { memo, useId } from 'react';
import { LOG_KINDS, LOG_LEVELS, type LogKind, type LogLevelName } from '../../../../shared/admin-api.js';
import { hasFilters, NO_FILTERS, statusValid, type LogFilters } from './filters.js';
import type { TailState } from './log-tail.js';

const count = (value: number) => value.toLocaleString('en-US');

const CONNECTION = {
  connecting: { dot: 'wait', text: 'Connecting…' },
  live: { dot: 'good', text: 'Live' },
  reconnecting: { dot: 'bad', text: 'Reconnecting…' },
} as const;

export interface LogHeaderProps {
  state: TailState;
  cap: number;
  onPause(): void;
  onResume(): void;
  onClearView(): void;
  onDownload(): void;
}

/** The title line: connection, counts, pause / resume, clear and download. */
export function LogHeader({ state, cap, onPause, onResume, onClearView, onDownload }: LogHeaderProps) {
  const connection = CONNECTION[state.connection];
  const lines = state.rows.length;
  return (
    <div className="page-head">
      <h1>Logs</h1>
      <span className="row small" role="status">
        <span className={`dot ${connection.dot}`} aria-hidden />
        {connection.text}
        {state.paused && <span className="badge warn">Paused</span>}
      </span>
      <span
        className="muted small"
        title={lines >= cap ? `The newest ${count(cap)} lines are kept` : undefined}
      >
        {count(lines)} {lines === 1 ? 'line' : 'lines'}
        {lines >= cap ? ' (older ones dropped)' : ''}
      </span>
      <div className="actions">
        {state.paused ? (
          <button type="button" className="primary" onClick={onResume}>
            <Play size={15} aria-hidden /> Resume
            {state.held > 0 && <span className="badge log-held">{count(state.held)} new</span>}
          </button>
        ) : (
          <button type="button" onClick={onPause} title="Stop the list moving; new lines wait">
            <Pause size={15} aria-hidden /> Pause
          </button>
        )}
        <button type="button" onClick={onClearView} disabled={lines === 0 && state.held === 0}>
          <Eraser size={15} aria-hidden /> Clear view
        </button>
        <button
          type="button"
          onClick={onDownload}
          disabled={lines === 0}
          title="Download the lines shown as NDJSON (one JSON object a line)"
        >
          <Download size={15} aria-hidden /> Download
        </button>
      </div>
    </div>
  );
}

export interface LogFilterBarProps {
  filters: LogFilters;
  onChange(filters: LogFilters): void;
  /** Known endpoints, offered as the endpoint filter is typed. */
  endpoints: readonly string[];
}

/**
 * The filters the server applies: kind, minimum level, endpoint, status, free text, and
 * whether the panel's own requests are shown.
 */
export const LogFilterBar = memo(function LogFilterBar({ filters, onChange, endpoints }: LogFilterBarProps) {
  const id = useId();
  const set = (change: Partial<LogFilters>) => onChange({ ...filters, ...change });
  const badStatus = !statusValid(filters.status);
  return (
    <form
      className="log-filters"
      role="search"
      aria-label="Filter log lines"
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="field">
        <label htmlFor={`${id}-type`}>Kind</label>
        <select
          id={`${id}-type`}
          value={filters.type}
          onChange={(e) => set({ type: e.target.value as LogKind | '' })}
        >
          <option value="">All kinds</option>
          {LOG_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-level`}>Level</label>
        <select
          id={`${id}-level`}
          value={filters.level}
          onChange={(e) => set({ level: e.target.value as LogLevelName | '' })}
        >
          <option value="">Any level</option>
          {LOG_LEVELS.map((level) => (
            <option key={level} value={level}>
              {level} and above
            </option>
          ))}
        </select>
      </div>
      <div className="field log-filter-endpoint">
        <label htmlFor={`${id}-endpoint`}>Endpoint</label>
        <input
          id={`${id}-endpoint`}
          type="text"
          list={`${id}-endpoints`}
          placeholder="/module/function"
          spellCheck={false}
          autoComplete="off"
          value={filters.endpoint}
          onChange={(e) => set({ endpoint: e.target.value })}
        />
        <datalist id={`${id}-endpoints`}>
          {endpoints.map((endpoint) => (
            <option key={endpoint} value={endpoint} />
          ))}
        </datalist>
      </div>
      <div className="field log-filter-status">
        <label htmlFor={`${id}-status`}>Status</label>
        <input
          id={`${id}-status`}
          type="text"
          placeholder="404 or 5xx"
          spellCheck={false}
          autoComplete="off"
          maxLength={3}
          aria-invalid={badStatus}
          aria-describedby={badStatus ? `${id}-status-hint` : undefined}
          value={filters.status}
          onChange={(e) => set({ status: e.target.value })}
        />
      </div>
      <div className="field log-filter-text">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Text anywhere in the line"
          maxLength={200}
          spellCheck={false}
          value={filters.q}
          onChange={(e) => set({ q: e.target.value })}
        />
      </div>
      <label
        className="log-filter-panel small"
        title="The panel's own calls of the admin API (its status, metrics and logs) and its page loads"
      >
        <input type="checkbox" checked={filters.panel} onChange={(e) => set({ panel: e.target.checked })} />{' '}
        Show the panel&apos;s own requests
      </label>
      <button
        type="button"
        className="log-filter-clear"
        onClick={() => onChange({ ...NO_FILTERS, panel: filters.panel })}
        disabled={!hasFilters(filters)}
      >
        <FilterX size={15} aria-hidden /> Clear filters
      </button>
      {badStatus && (
        <p id={`${id}-status-hint`} className="error-text small log-filter-hint">
          Status: a code such as 404, or a class such as 5xx. Not applied.
        </p>
      )}
    </form>
  );
});
