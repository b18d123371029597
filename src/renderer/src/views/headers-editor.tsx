import { Plus, X } from 'lucide-react';
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
        <table className="small kv-table" aria-label="Headers">
          <tbody>
            {rows.map((row, index) => {
              const invalid = row.name.trim() !== '' && headerNameProblem(row.name) !== undefined;
              return (
                <tr key={index}>
                  <td>
                    <input
                      aria-label={`Header ${index + 1} name`}
                      placeholder="X-Tenant"
                      spellCheck={false}
                      value={row.name}
                      aria-invalid={invalid}
                      onChange={(event) => update(index, { name: event.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Header ${index + 1} value`}
                      placeholder="value, or {{variable}}"
                      spellCheck={false}
                      value={row.value}
                      onChange={(event) => update(index, { value: event.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Remove header ${index + 1}`}
                      title="Remove"
                      onClick={() => onChange(rows.filter((_, at) => at !== index))}
                    >
                      <X size={14} aria-hidden />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
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
