import { Plus } from 'lucide-react';
import { KeyValueTable } from '../components/key-value-table.js';
import { headerNameProblem, type HeaderRow } from '../request/headers.js';

/** The extra headers of a call: a row of name and value each, added and removed here. */
export function HeadersEditor({
  rows,
  problems,
  onChange,
}: {
  rows: readonly HeaderRow[];
  /** The rows' problems, as request/headers.ts says them. */
  problems: readonly string[];
  onChange: (rows: HeaderRow[]) => void;
}) {
  const update = (index: number, change: Partial<HeaderRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  return (
    <fieldset className="field headers-editor">
      <legend className="label">Headers</legend>
      {rows.length > 0 && (
        <KeyValueTable
          label="Headers"
          item="Header"
          rows={rows}
          namePlaceholder="X-Tenant"
          valuePlaceholder="value, or {{variable}}"
          invalid={(row) => row.name.trim() !== '' && headerNameProblem(row.name) !== undefined}
          onEdit={update}
          onRemove={(index) => onChange(rows.filter((_, at) => at !== index))}
        />
      )}
      <div className="row">
        <button type="button" onClick={() => onChange([...rows, { name: '', value: '' }])}>
          <Plus size={14} aria-hidden /> Add header
        </button>
        <span className="muted small">The token is chosen above, never typed here.</span>
      </div>
      {problems.length > 0 && (
        <div className="small" aria-live="polite">
          {problems.map((problem) => (
            <div key={problem} className="error-text">
              {problem}
            </div>
          ))}
        </div>
      )}
    </fieldset>
  );
}
