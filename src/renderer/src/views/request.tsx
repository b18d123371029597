import { History, Send, Trash2 } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { allExpanded, darkStyles, defaultStyles, JsonView } from 'react-json-view-lite';
import 'react-json-view-lite/dist/index.css';
import { useLocation } from 'wouter';
import type { RegistryEndpoint, SavedRequest, TokenKind } from '../../../shared/admin-api.js';
import { callEndpoint, type CallResult } from '../api/business.js';
import { useRegistry, useSession, useStatus } from '../api/hooks.js';
import { CopyButton } from '../components/copy-button.js';
import { CopySnippets } from '../components/copy-snippets.js';
import { ErrorNotice } from '../components/feedback.js';
import {
  addToHistory,
  clearHistory,
  readHistory,
  takeReplay,
  type HistoryEntry,
  type Replay,
} from '../request-history.js';
import { checkBody, exampleBody, type JsonSchema } from '../schema.js';
import { useRememberedTokens, type RememberedToken } from '../token-memory.js';
import { usePrefersDark } from '../use-prefers-dark.js';
import { CallLog } from './call-log.js';
import { SavedRequests } from './saved-requests.js';
import { formatClock } from '../time.js';

const ADMIN = 'admin';
const PASTE = 'paste';
const NONE = 'none';

/** Try an endpoint: a body checked while typing, a token to send, the full answer. */
export function RequestView({ endpoint }: { endpoint?: string }) {
  const session = useSession();
  const registry = useRegistry();
  const status = useStatus();
  const [, navigate] = useLocation();
  const remembered = useRememberedTokens();

  const endpoints = useMemo(
    () => (registry.data?.modules ?? []).flatMap((module) => module.endpoints),
    [registry.data],
  );
  const selected: RegistryEndpoint | undefined = endpoints.find((candidate) => candidate.path === endpoint);
  const schema = (selected?.params ?? {}) as JsonSchema;

  const [bodyText, setBodyText] = useState('{}');
  // Until one is chosen: the newest business token the panel knows, else its admin token.
  const [chosenToken, setTokenChoice] = useState<string>();
  const tokenChoice = tokenChoiceOf(chosenToken, remembered);
  const [pasted, setPasted] = useState('');
  const [result, setResult] = useState<CallResult>();
  const [failure, setFailure] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const [history, setHistory] = useState<HistoryEntry[]>(readHistory);
  // A body picked from the history, for the endpoint about to be selected.
  const pendingBody = useRef<string | undefined>(undefined);
  // A logged request handed over by the logs view: taken from storage once, on the first render.
  const replay = useRef<Replay | undefined | null>(null);
  if (replay.current === null) replay.current = takeReplay();
  const sendingNow = useRef(false);

  // A new endpoint starts from its defaults, or from the logged request being replayed.
  useEffect(() => {
    if (!selected) return;
    const replayed = replay.current;
    const body =
      replayed?.endpoint === selected.path && replayed.body !== undefined
        ? replayed.body
        : exampleBody(schema);
    setBodyText(pendingBody.current ?? JSON.stringify(body, null, 2));
    pendingBody.current = undefined;
    setResult(undefined);
    setFailure(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the endpoint changes
  }, [selected?.path]);

  const problems = selected ? checkBody(bodyText, schema) : [];
  const noPastedToken = tokenChoice === PASTE && pasted.trim() === '';
  const notJson = problems[0]?.startsWith('Not valid JSON') || problems[0]?.startsWith('The body must');
  const token =
    tokenChoice === ADMIN
      ? session.adminToken
      : tokenChoice === PASTE
        ? pasted.trim() || undefined
        : tokenChoice === NONE
          ? undefined
          : remembered.find((known) => known.id === tokenChoice)?.value;

  async function send() {
    // A ref, not the state: two quick Ctrl+Enter presses come before a re-render.
    if (!selected || notJson || noPastedToken || sendingNow.current) return;
    sendingNow.current = true;
    setSending(true);
    setFailure(undefined);
    try {
      const body: unknown = bodyText.trim() === '' ? {} : JSON.parse(bodyText);
      const answer = await callEndpoint(session, selected.path, body, token);
      setResult(answer);
      setHistory(
        addToHistory({
          endpoint: selected.path,
          body: bodyText,
          status: answer.status,
          durationMs: answer.durationMs,
          at: new Date().toISOString(),
        }),
      );
    } catch (error) {
      setFailure(error);
    } finally {
      sendingNow.current = false;
      setSending(false);
    }
  }

  const baseUrl = status.data?.url ?? window.location.origin;
  const tokenKind: TokenKind =
    tokenChoice === ADMIN
      ? 'admin'
      : tokenChoice === NONE
        ? 'none'
        : remembered.find((known) => known.id === tokenChoice)?.role === 'admin'
          ? 'admin'
          : 'business';

  /** A saved request into the panel: its endpoint, body and a token of its kind. */
  function load(saved: SavedRequest) {
    const text = JSON.stringify(saved.body, null, 2);
    if (saved.endpoint !== selected?.path) pendingBody.current = text;
    navigate(`/try${saved.endpoint}`);
    setBodyText(text);
    setResult(undefined);
    setFailure(undefined);
    const business = remembered.findLast((known) => known.role === 'business');
    setTokenChoice(
      saved.tokenKind === 'admin' ? ADMIN : saved.tokenKind === 'none' ? NONE : (business?.id ?? PASTE),
    );
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Request</h1>
      </div>
      <ErrorNotice error={registry.error} />

      <div className="request-grid">
        <section className="card stack" aria-label="Request">
          <div className="field">
            <label htmlFor="endpoint-select">Endpoint</label>
            <select
              id="endpoint-select"
              value={selected?.path ?? ''}
              onChange={(event) => navigate(`/try${event.target.value}`)}
            >
              <option value="" disabled>
                {endpoints.length ? 'Choose an endpoint' : 'No endpoints yet'}
              </option>
              {endpoints.map((candidate) => (
                <option key={candidate.path} value={candidate.path}>
                  {candidate.path}
                </option>
              ))}
            </select>
            {endpoint && registry.data && !selected && (
              <span className="error-text small">{endpoint} is not an endpoint (any more).</span>
            )}
            {selected?.description && <span className="muted small">{selected.description}</span>}
          </div>

          <div className="field">
            <label htmlFor="token-select">Token</label>
            <select
              id="token-select"
              value={tokenChoice}
              onChange={(event) => setTokenChoice(event.target.value)}
            >
              {remembered.map((known) => (
                <option key={known.id} value={known.id}>
                  {known.label} (created in this session)
                </option>
              ))}
              <option value={ADMIN}>This panel&apos;s admin token</option>
              <option value={PASTE}>Paste a token…</option>
              <option value={NONE}>No token</option>
            </select>
            {tokenChoice === PASTE && (
              <input
                type="password"
                aria-label="Token to send"
                placeholder="Token value (not stored)"
                value={pasted}
                aria-invalid={noPastedToken}
                aria-describedby="pasted-token-hint"
                onChange={(event) => setPasted(event.target.value)}
              />
            )}
            {noPastedToken && (
              <span id="pasted-token-hint" className="warn-text small">
                Paste the token to send (or choose No token to call without one).
              </span>
            )}
          </div>

          <div className="field">
            <label htmlFor="request-body">Body (the parameters, as JSON)</label>
            <textarea
              id="request-body"
              rows={10}
              spellCheck={false}
              value={bodyText}
              aria-invalid={problems.length > 0}
              aria-describedby="body-problems"
              onChange={(event) => setBodyText(event.target.value)}
              onKeyDown={(event) => {
                if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') void send();
              }}
            />
            <div id="body-problems" className="small" aria-live="polite">
              {problems.map((problem) => (
                <div key={problem} className={notJson ? 'error-text' : 'warn-text'}>
                  {problem}
                </div>
              ))}
            </div>
          </div>

          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={send}
              disabled={!selected || notJson || noPastedToken || sending}
            >
              <Send size={15} aria-hidden /> {sending ? 'Sending…' : 'Send'}
            </button>
            <span className="muted small">Ctrl+Enter</span>
          </div>
          {selected && (
            <CopySnippets
              call={{
                baseUrl,
                endpoint: selected.path,
                body: safeParse(bodyText),
                token: tokenChoice !== NONE,
              }}
            />
          )}
        </section>

        <section className="card stack" aria-label="Response" aria-live="polite">
          <h2>Response</h2>
          <ErrorNotice error={failure} title="The request did not complete" />
          {!result && !failure && <p className="muted">Send a request to see the answer here.</p>}
          {result && <ResponseView result={result} />}
        </section>
      </div>

      <SavedRequests
        current={{
          endpoint: selected?.path,
          body: selected && !notJson ? objectOf(bodyText) : undefined,
          tokenKind,
        }}
        onLoad={load}
      />

      <section className="card stack" aria-label="History">
        <div className="row">
          <h2 style={{ margin: 0 }}>
            <History size={15} aria-hidden /> Recent requests
          </h2>
          {history.length > 0 && (
            <button
              type="button"
              style={{ marginLeft: 'auto' }}
              onClick={() => {
                clearHistory();
                setHistory([]);
              }}
            >
              <Trash2 size={14} aria-hidden /> Clear
            </button>
          )}
        </div>
        {history.length === 0 ? (
          <p className="muted small">Requests you send are listed here (without their tokens).</p>
        ) : (
          <ul className="history">
            {history.map((entry, index) => (
              <li key={`${entry.at}:${index}`}>
                <button
                  type="button"
                  className="history-item"
                  onClick={() => {
                    if (entry.endpoint !== selected?.path) pendingBody.current = entry.body;
                    navigate(`/try${entry.endpoint}`);
                    setBodyText(entry.body);
                    setResult(undefined);
                  }}
                >
                  <span className={`badge ${statusClass(entry.status)}`}>{entry.status}</span>
                  <code>{entry.endpoint}</code>
                  <span className="muted small mono">{oneLine(entry.body)}</span>
                  <span className="muted small">
                    {Math.round(entry.durationMs)} ms · {formatClock(entry.at)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ResponseView({ result }: { result: CallResult }) {
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

const statusClass = (status: number) => (status < 300 ? 'good' : status < 500 ? 'warn' : 'bad');

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
};

/** The body typed, when it is a JSON object (`{}` when empty, as sent). */
function objectOf(text: string): Record<string, unknown> | undefined {
  const value = text.trim() === '' ? {} : safeParse(text, undefined);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function safeParse(text: string, otherwise: unknown = {}): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return otherwise;
  }
}

/**
 * The token choice in force: the one chosen, while it is still offered (a revoked token is
 * forgotten), else the newest business token created in this session, else the admin token.
 */
function tokenChoiceOf(chosen: string | undefined, remembered: readonly RememberedToken[]): string {
  const offered = (choice: string) =>
    choice === ADMIN ||
    choice === PASTE ||
    choice === NONE ||
    remembered.some((known) => known.id === choice);
  if (chosen !== undefined && offered(chosen)) return chosen;
  return remembered.findLast((known) => known.role === 'business')?.id ?? ADMIN;
}
