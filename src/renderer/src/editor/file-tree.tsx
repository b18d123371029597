import { FileCode2, FileJson, FileText, Folder } from 'lucide-react';
import { Link } from 'wouter';
import type { FileEntry } from '../../../shared/admin-api.js';
import { languageOf, treeRows } from './files.js';

/**
 * The files of the APIs folder: a module shows the module it serves, a helper is greyed. A file
 * is a link to its route (`#/editor/<path>`), so the unsaved-changes guard sees every switch.
 */
export function FileTree({
  entries,
  open,
  dirty,
}: {
  entries: readonly FileEntry[];
  open?: string;
  dirty: boolean;
}) {
  const rows = treeRows(entries);
  if (rows.length === 0) return <p className="muted small">The APIs folder is empty.</p>;
  return (
    <ul className="file-tree" aria-label="Files">
      {rows.map((row) => {
        const indent = { paddingLeft: 8 + row.depth * 14 };
        if (row.type === 'dir') {
          return (
            <li key={row.path} className={row.helper ? 'helper' : undefined}>
              <span className="file-tree-row dir" style={indent}>
                <Folder size={14} aria-hidden /> {row.name}
              </span>
            </li>
          );
        }
        const current = row.path === open;
        return (
          <li key={row.path} className={row.helper ? 'helper' : undefined}>
            <Link
              href={`/editor/${row.path}`}
              className="file-tree-row"
              style={indent}
              aria-current={current ? 'page' : undefined}
              title={
                row.module
                  ? `${row.path}: module ${row.module}`
                  : row.helper
                    ? `${row.path}: helper`
                    : row.path
              }
            >
              <FileIcon path={row.path} />
              <span className="file-tree-name">{row.name}</span>
              {current && dirty && (
                <span className="dirty-dot" aria-label="unsaved changes" title="Unsaved changes" />
              )}
              {row.module ? (
                <span className="file-tree-module mono">/{row.module}</span>
              ) : row.helper ? (
                <span className="file-tree-module">helper</span>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function FileIcon({ path }: { path: string }) {
  const language = languageOf(path);
  if (language === 'json') return <FileJson size={14} aria-hidden />;
  if (language === 'plaintext') return <FileText size={14} aria-hidden />;
  return <FileCode2 size={14} aria-hidden />;
}
