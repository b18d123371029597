import { X } from 'lucide-react';

export interface KeyValue {
  name: string;
  value: string;
}

/**
 * Rows of a name and a value, each editable and removable: the request's extra headers and an
 * environment's variables. Adding a row, and what a change may not hold, are the caller's.
 */
export function KeyValueTable({
  label,
  item,
  rows,
  namePlaceholder,
  valuePlaceholder = 'value',
  invalid,
  onEdit,
  onRemove,
}: {
  /** The table's accessible name. */
  label: string;
  /** What a row is, in its fields' names: "Header" gives "Header 1 name". */
  item: string;
  rows: readonly KeyValue[];
  namePlaceholder: string;
  valuePlaceholder?: string;
  /** Whether a row's name is refused (marked aria-invalid; the caller says why). */
  invalid: (row: KeyValue, index: number) => boolean;
  onEdit: (index: number, change: Partial<KeyValue>) => void;
  onRemove: (index: number) => void;
}) {
  return (
    <table className="small kv-table" aria-label={label}>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            <td>
              <input
                aria-label={`${item} ${index + 1} name`}
                placeholder={namePlaceholder}
                spellCheck={false}
                value={row.name}
                aria-invalid={invalid(row, index)}
                onChange={(event) => onEdit(index, { name: event.target.value })}
              />
            </td>
            <td>
              <input
                aria-label={`${item} ${index + 1} value`}
                placeholder={valuePlaceholder}
                spellCheck={false}
                value={row.value}
                onChange={(event) => onEdit(index, { value: event.target.value })}
              />
            </td>
            <td>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${item.toLowerCase()} ${index + 1}`}
                title="Remove"
                onClick={() => onRemove(index)}
              >
                <X size={14} aria-hidden />
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
