import { allExpanded, darkStyles, defaultStyles, JsonView } from 'react-json-view-lite';
import 'react-json-view-lite/dist/index.css';
import type { CallResult } from '../api/business.js';
import { CopyButton } from '../components/copy-button.js';
import { usePrefersDark } from '../use-prefers-dark.js';
import { CallLog } from './call-log.js';

/** A business call's answer: status, time, the JSON (or text), the function's log lines, headers. */
export function ResponseView({ result }: { result: CallResult }) {
  const dark = usePrefersDark();
  return (
    <>
      <div className="row">
        <span className={`badge ${statusClass(result.status)}`} data-testid="response-status">
          {result.status} {result.statusText}
        </span>
        <span className="muted">{Math.round(result.durationMs)} ms</span>
      </div>
      <div className="json-view" data-testid="response-body">
        {result.json && result.body !== null && typeof result.body === 'object' ? (
          <JsonView
            data={result.body as object}
            shouldExpandNode={allExpanded}
            style={dark ? darkStyles : defaultStyles}
          />
        ) : (
          <pre>{String(JSON.stringify(result.body, null, 2))}</pre>
        )}
      </div>
      <div className="row">
        <CopyButton text={JSON.stringify(result.body, null, 2)} label="Copy answer" />
      </div>
      {result.requestId && <CallLog requestId={result.requestId} />}
      <details>
        <summary className="small">Headers ({result.headers.length})</summary>
        <table className="small">
          <tbody>
            {result.headers.map(([name, value]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

export const statusClass = (status: number) => (status < 300 ? 'good' : status < 500 ? 'warn' : 'bad');
