import { ApiError } from '../api/client.js';

/** An error of the admin API, with its code and the details of a validation error. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div className="notice bad" role="alert">
      {title && <strong>{title}: </strong>}
      {apiError ? apiError.message : String(error)}
      {apiError && apiError.code !== 'UNREACHABLE' && <span className="muted small"> ({apiError.code})</span>}
      {apiError && apiError.details.length > 0 && (
        <ul className="small">
          {apiError.details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              {detail.path && <code>{detail.path}</code>} {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** "3 s", "5 min", "2 h 10 min", "4 d 3 h": how long, for people. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}
