import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownToLine } from 'lucide-react';
import {
  memo,
  useCallback,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type Ref,
} from 'react';
import type { LogEntry } from '../../../../shared/admin-api.js';
import {
  formatLogDateTime,
  formatDuration,
  formatLogTime,
  functionLogs,
  levelName,
  messageOf,
  statusClass,
} from './format.js';
import type { LogRow } from './log-tail.js';

/** Every row has this height (px): no measuring, positions are arithmetic. Matches logs.css. */
export const ROW_HEIGHT = 22;
const COLUMNS = ['Time', 'Level', 'Kind', 'Request', 'Status', 'Duration', 'Message'];

export interface LogListProps {
  rows: readonly LogRow[];
  selectedKey: string | undefined;
  /** A row was selected (click or arrows); `open` when it should show its details. */
  onSelect(row: LogRow, how: { open: boolean; keyboard: boolean }): void;
  /** Escape in the list. */
  onEscape(): void;
  /** Shown instead of rows when there are none. */
  empty: ReactNode;
  gridRef?: Ref<HTMLDivElement>;
}

/**
 * The log lines as a virtualized grid: only the rows in view are in the DOM. It follows the
 * newest line while scrolled to the bottom; scrolled up, the lines in view stay put while new
 * ones arrive (and old ones go), and "Jump to latest" brings it back.
 */
export function LogList({ rows, selectedKey, onSelect, onEscape, empty, gridRef }: LogListProps) {
  const ids = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  // Moving through the lines with the keys holds the view still, even at the bottom; scrolling
  // by hand, End or "Jump to latest" let it follow again (when at the bottom).
  const [held, setHeld] = useState(false);
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  // A request line's message is what its function logged, when nothing went wrong.
  const logsOfCalls = useMemo(() => functionLogs(rows.map((row) => row.entry)), [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey,
    overscan: 20,
    anchorTo: 'end',
    followOnAppend: !held,
    scrollEndThreshold: ROW_HEIGHT,
  });

  // Open at the newest line.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, [virtualizer]);

  const selectedIndex = selectedKey === undefined ? -1 : indexOfKey(rows, selectedKey);
  const rowId = (key: string) => `${ids}-row-${key}`;

  const moveTo = (index: number, open = false) => {
    const to = Math.max(0, Math.min(rows.length - 1, index));
    const row = rows[to];
    if (!row) return;
    onSelect(row, { open, keyboard: true });
    setHeld(to < rows.length - 1);
    virtualizer.scrollToIndex(to, { align: 'auto' });
  };

  const jumpToLatest = () => {
    setHeld(false);
    virtualizer.scrollToEnd();
  };
  const release = () => setHeld(false);

  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    const last = rows.length - 1;
    const at = selectedIndex;
    const moves: Record<string, () => void> = {
      ArrowDown: () => moveTo(at < 0 ? firstVisible() : at + 1),
      ArrowUp: () => moveTo(at < 0 ? last : at - 1),
      PageDown: () => moveTo(at < 0 ? firstVisible() : at + page),
      PageUp: () => moveTo(at < 0 ? last : at - page),
      Home: () => moveTo(0),
      End: () => {
        moveTo(last);
        jumpToLatest();
      },
      Enter: () => at >= 0 && moveTo(at, true),
      ' ': () => at >= 0 && moveTo(at, true),
      Escape: onEscape,
    };
    const move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    move();
  };

  const firstVisible = () =>
    virtualizer.getVirtualItems().find((item) => item.start >= (virtualizer.scrollOffset ?? 0))?.index ?? 0;

  const onClick = (event: MouseEvent) => {
    const key = (event.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key;
    const row = key === undefined ? undefined : rows[indexOfKey(rows, key)];
    if (row) onSelect(row, { open: true, keyboard: false });
  };

  const atEnd = rows.length === 0 || virtualizer.isAtEnd();

  return (
    <div className="log-list">
      <div
        ref={gridRef}
        className="log-grid"
        role="grid"
        aria-label="Log lines"
        aria-rowcount={rows.length + 1}
        aria-colcount={COLUMNS.length}
        aria-activedescendant={selectedIndex >= 0 ? rowId(selectedKey!) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="log-head">
          <div role="row" aria-rowindex={1} className="log-cols">
            {COLUMNS.map((name) => (
              <span role="columnheader" key={name}>
                {name}
              </span>
            ))}
          </div>
        </div>
        <div
          ref={scrollRef}
          className="log-scroll"
          role="rowgroup"
          onClick={onClick}
          onWheel={release}
          onTouchStart={release}
          onPointerDown={release}
        >
          {rows.length === 0 ? (
            <div className="log-empty">{empty}</div>
          ) : (
            <div className="log-sizer" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index]!;
                return (
                  <LogRowView
                    key={row.key}
                    id={rowId(row.key)}
                    rowKey={row.key}
                    entry={row.entry}
                    message={messageOf(row.entry, logsOfCalls.get(row.entry.requestId ?? ''))}
                    rowIndex={item.index + 2}
                    top={item.start}
                    selected={item.index === selectedIndex}
                  />
                );
              })}
            </div>
          )}
        </div>
      </div>
      {!atEnd && (
        <button type="button" className="primary log-jump" onClick={jumpToLatest}>
          <ArrowDownToLine size={15} aria-hidden /> Jump to latest
        </button>
      )}
    </div>
  );
}

interface RowProps {
  id: string;
  rowKey: string;
  entry: LogEntry;
  message: string;
  rowIndex: number;
  top: number;
  selected: boolean;
}

const LogRowView = memo(function LogRowView({
  id,
  rowKey,
  entry,
  message,
  rowIndex,
  top,
  selected,
}: RowProps) {
  const level = levelName(entry.level);
  const request = [entry.method, entry.endpoint].filter(Boolean).join(' ');
  return (
    <div
      id={id}
      role="row"
      aria-rowindex={rowIndex}
      aria-selected={selected}
      data-key={rowKey}
      className={`log-cols log-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <span role="gridcell" className="log-time" title={formatLogDateTime(entry.time)}>
        {formatLogTime(entry.time)}
      </span>
      <span role="gridcell">
        <span className={`log-level lv-${level}`}>{level}</span>
      </span>
      <span role="gridcell" className="muted">
        {entry.kind ?? ''}
      </span>
      <span role="gridcell" title={request || undefined}>
        {request}
      </span>
      <span role="gridcell" className={`log-status ${statusClass(entry.status)}`}>
        {entry.status === undefined ? '' : String(entry.status)}
      </span>
      <span role="gridcell" className="log-num">
        {formatDuration(entry.durationMs)}
      </span>
      <span role="gridcell" title={message || undefined}>
        {message}
      </span>
    </div>
  );
});

/** The index of the row with `key` (`<epoch>-<seq>`): rows are in (epoch, seq) order. */
export function indexOfKey(rows: readonly LogRow[], key: string): number {
  const dash = key.indexOf('-');
  const epoch = Number(key.slice(0, dash));
  const seq = Number(key.slice(dash + 1));
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const row = rows[middle]!;
    const order = row.epoch - epoch || row.entry.seq - seq;
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
