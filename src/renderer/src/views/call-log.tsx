import { useQuery } from '@tanstack/react-query';
import { ScrollText } from 'lucide-react';
import type { LogEntry } from '../../../shared/admin-api.js';
import { adminRequest } from '../api/client.js';
import { useSession } from '../api/hooks.js';
import { formatLogTime, levelName } from './logs/format.js';

/** Fields every line has, or that the table already shows: not repeated as the line's fields. */
const SHOWN = new Set(['seq', 'time', 'level', 'kind', 'msg', 'requestId', 'endpoint', 'pid', 'hostname']);

/**
 * The lines a function wrote with `context().log` during one call, read by the call's request
 * id. They are in the log before the answer leaves the runtime, so one query finds them all.
 */
export function CallLog({ requestId }: { requestId: string }) {
  const session = useSession();
  const lines = useQuery({
    queryKey: ['call-log', requestId],
    queryFn: ({ signal }) =>
      adminRequest<{ entries: LogEntry[] }>(session, 'GET', '/api/logs', {
        query: { requestId, type: 'app', limit: 200 },
        signal,
      }).then((data) => data.entries),
    staleTime: Infinity,
  });

  return (
    <section className="stack" aria-label="Function log">
      <h3 className="small row" style={{ margin: 0 }}>
        <ScrollText size={14} aria-hidden /> The function&apos;s log
      </h3>
      {lines.isError && <p className="error-text small">Could not read the log of this call.</p>}
      {lines.data?.length === 0 && (
        <p className="muted small">
          Nothing logged. Lines a function writes with <code>context().log.info(…)</code> show here.
        </p>
      )}
      {lines.data && lines.data.length > 0 && (
        <table className="small call-log">
          <tbody>
            {lines.data.map((entry) => (
              <tr key={entry.seq}>
                <td className="mono muted fit">{formatLogTime(entry.time)}</td>
                <td className="fit">
                  <span className={`badge ${entry.level >= 50 ? 'bad' : entry.level >= 40 ? 'warn' : ''}`}>
                    {levelName(entry.level)}
                  </span>
                </td>
                <td>
                  {entry.msg}
                  <FieldsOf entry={entry} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FieldsOf({ entry }: { entry: LogEntry }) {
  const fields = Object.entries(entry).filter(([key]) => !SHOWN.has(key));
  if (fields.length === 0) return null;
  return (
    <div className="mono muted">
      {fields.map(([key, value]) => (
        <span key={key} style={{ marginRight: 10 }}>
          {key}={JSON.stringify(value)}
        </span>
      ))}
    </div>
  );
}
