import { useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { LogEntry } from '../../../shared/admin-api.js';
import { useRegistry } from '../api/hooks.js';
import { offerReplay, type Replay } from '../request-history.js';
import { downloadName, toNdjson } from './logs/format.js';
import { hasFilters, NO_FILTERS, toQuery, useAppliedFilters, type LogFilters } from './logs/filters.js';
import { LogDrawer } from './logs/log-drawer.js';
import { LogList } from './logs/log-list.js';
import { ROW_CAP, type LogRow } from './logs/log-tail.js';
import { LogFilterBar, LogHeader } from './logs/log-toolbar.js';
import { useLogTail } from './logs/use-log-tail.js';
import './logs/logs.css';

/**
 * `#/logs`: the runtime's log lines, recent then live, filtered by the server; pause, details
 * of a line, replay of a request, download as NDJSON.
 */
export function LogsView() {
  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS);
  const applied = useAppliedFilters(filters);
  const query = useMemo(() => toQuery(applied), [applied]);
  const { state, pause, resume, clear } = useLogTail(query);
  const endpoints = useEndpointPaths();
  const [, navigate] = useLocation();

  const [selectedKey, setSelectedKey] = useState<string>();
  const [detail, setDetail] = useState<LogEntry>();
  const [focusRequest, setFocusRequest] = useState(0);
  const gridRef = useRef<HTMLDivElement>(null);

  const select = (row: LogRow, { open, keyboard }: { open: boolean; keyboard: boolean }) => {
    setSelectedKey(row.key);
    // The open drawer follows the selection.
    if (open || detail) setDetail(row.entry);
    if (open && keyboard) setFocusRequest((count) => count + 1);
  };
  const closeDrawer = () => {
    if (!detail) return;
    setDetail(undefined);
    gridRef.current?.focus();
  };
  const replay = (request: Replay) => {
    offerReplay(request);
    navigate(`/try${request.endpoint}`);
  };
  const download = () => downloadFile(toNdjson(state.rows.map((row) => row.entry)), downloadName());

  const filtered = hasFilters(applied);
  const empty = state.loading ? (
    <p>Loading recent lines…</p>
  ) : filtered ? (
    <p>
      No log lines match these filters yet.{' '}
      <button type="button" onClick={() => setFilters({ ...NO_FILTERS, panel: filters.panel })}>
        Clear filters
      </button>
    </p>
  ) : (
    <p>
      No log lines yet. Call an endpoint — from the <Link href="/try">Request panel</Link> or with curl — and
      its line appears here as it happens.
    </p>
  );

  return (
    <div className="page full logs-page">
      <LogHeader
        state={state}
        cap={ROW_CAP}
        onPause={pause}
        onResume={resume}
        onClearView={clear}
        onDownload={download}
      />
      <LogFilterBar filters={filters} onChange={setFilters} endpoints={endpoints} />
      {state.error && (
        <p className="notice bad" role="alert">
          Recent lines could not be loaded: {state.error}
        </p>
      )}
      {state.skipped > 0 && (
        <p className="notice" role="status">
          The server skipped {state.skipped.toLocaleString('en-US')} lines because the panel could not read
          them fast enough. Narrow the filters to see every line, or download the log file.
        </p>
      )}
      {state.paused && (
        <p className="notice small">
          Paused: new lines wait ({state.held.toLocaleString('en-US')} so far)
          {state.heldDropped > 0 &&
            `, and ${state.heldDropped.toLocaleString('en-US')} older ones did not fit`}
          . Resume to show them.
        </p>
      )}
      <div className="logs-body">
        <LogList
          rows={state.rows}
          selectedKey={selectedKey}
          onSelect={select}
          onEscape={closeDrawer}
          empty={empty}
          gridRef={gridRef}
        />
        {detail && (
          <LogDrawer entry={detail} focusRequest={focusRequest} onClose={closeDrawer} onReplay={replay} />
        )}
      </div>
    </div>
  );
}

/** The endpoints of the registry, offered by the endpoint filter. */
function useEndpointPaths(): string[] {
  const registry = useRegistry();
  return useMemo(
    () => registry.data?.modules.flatMap((module) => module.endpoints.map((endpoint) => endpoint.path)) ?? [],
    [registry.data],
  );
}

function downloadFile(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
