import { useId, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { useFiles, useRegistry } from '../api/hooks.js';
import { ModalDialog } from '../components/modal.js';
import { NAV } from '../nav.js';
import { commandsOf, matchCommands, type Command } from './commands.js';

/** Shown at most: a palette is for jumping, not browsing. */
const MAX_SHOWN = 50;

/**
 * Ctrl/Cmd+K: a search over the panel's views, the endpoints (to try) and the APIs folder's
 * files (to edit). Arrows move, Enter goes, Escape closes. A native modal <dialog>, so focus
 * stays in it while it is open.
 */
export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <ModalDialog
      open={open}
      onCancel={onClose}
      className="palette"
      aria-label="Go to"
      // A click on the backdrop (outside the box) lands on the dialog itself.
      onClick={(event) => event.target === event.currentTarget && onClose()}
    >
      <PaletteSearch onClose={onClose} />
    </ModalDialog>
  );
}

function PaletteSearch({ onClose }: { onClose: () => void }) {
  const registry = useRegistry();
  const files = useFiles();
  const [, navigate] = useLocation();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const commands = useMemo(() => commandsOf(NAV, registry.data, files.data), [registry.data, files.data]);
  const shown = useMemo(() => matchCommands(commands, query).slice(0, MAX_SHOWN), [commands, query]);
  const chosen = shown[Math.min(active, shown.length - 1)];

  const go = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    navigate(command.href);
  };

  return (
    <div className="stack">
      <input
        role="combobox"
        aria-label="Go to a view, an endpoint or a file"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={chosen ? `${listId}-${shown.indexOf(chosen)}` : undefined}
        placeholder="Go to a view, an endpoint or a file…"
        autoFocus
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            const step = event.key === 'ArrowDown' ? 1 : -1;
            setActive(
              (index) =>
                (Math.min(index, shown.length - 1) + step + shown.length) % Math.max(shown.length, 1),
            );
          } else if (event.key === 'Enter') {
            event.preventDefault();
            go(chosen);
          } else if (event.key === 'Escape') {
            // The dialog's own cancel does it too; said here so it does not hang on the browser.
            event.preventDefault();
            onClose();
          }
        }}
      />
      <ul role="listbox" id={listId} aria-label="Matches" className="palette-list">
        {shown.map((command, index) => (
          <li
            key={`${command.kind} ${command.href}`}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={command === chosen}
            onMouseMove={() => setActive(index)}
            onClick={() => go(command)}
          >
            <span className="palette-hint">{command.hint}</span>
            <span className={command.kind === 'view' ? undefined : 'mono'}>{command.label}</span>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="muted small">Nothing matches “{query}”.</p>}
    </div>
  );
}
