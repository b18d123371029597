import { describeRequest, type OutgoingRequest } from '../request/outgoing-request.js';
import { CopyButton } from '../components/copy-button.js';

/**
 * The query view: the exact request Send makes (method, URL, headers, body as sent), the token
 * masked. Copying it copies the masked text.
 */
export function OutgoingView({
  request,
  secrets,
}: {
  /** The request as it would go out now, or undefined while it cannot be sent. */
  request?: OutgoingRequest;
  /** Token values to mask wherever they appear. */
  secrets: readonly string[];
}) {
  const text = request ? describeRequest(request, window.location.origin, secrets) : undefined;
  return (
    <details className="outgoing">
      <summary className="small">
        The request sent{request ? ` (${request.headers.length} headers)` : ''}
      </summary>
      {text ? (
        <>
          <pre className="outgoing-text" data-testid="outgoing-request">
            {text}
          </pre>
          <CopyButton text={text} label="Copy request" />
        </>
      ) : (
        <p className="muted small">Shown once the request can be sent.</p>
      )}
    </details>
  );
}
