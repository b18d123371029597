import { Send } from 'lucide-react';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import type { RegistryEndpoint, SavedRequest } from '../../../shared/admin-api.js';
import { sendRequest, type CallResult } from '../api/business.js';
import { useRegistry, useSession, useStatus } from '../api/hooks.js';
import { CopySnippets } from '../components/copy-snippets.js';
import { ErrorNotice } from '../components/feedback.js';
import { activeEnvironment, type Environment } from '../request/environments.js';
import type { HeaderRow } from '../request/headers.js';
import { maskSecrets } from '../request/outgoing-request.js';
import { prepareCall } from '../request/prepare-call.js';
import {
  ADMIN,
  choiceForKind,
  kindOfChoice,
  NONE,
  PASTE,
  tokenChoiceOf,
  tokenOfChoice,
} from '../request/token-choice.js';
import {
  addToHistory,
  clearHistory,
  readHistory,
  takeReplay,
  type HistoryEntry,
  type Replay,
} from '../request-history.js';
import { checkBody, exampleBody, type JsonSchema } from '../schema.js';
import { useRememberedTokens } from '../token-memory.js';
import { EnvironmentPicker, useEnvironments } from './environments.js';
import { HeadersEditor } from './headers-editor.js';
import { OutgoingView } from './outgoing-view.js';
import { RecentRequests } from './recent-requests.js';
import { ResponseView } from './response-view.js';
import { SavedRequests } from './saved-requests.js';

// Monaco is most of the panel's weight: the body editor comes in its own chunk.
const BodyEditor = lazy(() => import('./body-editor.js').then((module) => ({ default: module.BodyEditor })));

const BODY_LABEL = 'Body (the parameters, as JSON)';

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
  // Counts the times the body was set from outside the editor (which then takes the new text).
  const [bodyRevision, setBodyRevision] = useState(0);
  const [environments, setEnvironments] = useEnvironments();
  const environment = activeEnvironment(environments);
  // Until one is chosen: the environment's kind of token, else the newest business token the
  // panel knows, else its admin token.
  const [chosenToken, setTokenChoice] = useState<string | undefined>(() =>
    environment?.token ? choiceForKind(environment.token, remembered) : undefined,
  );
  const tokenChoice = tokenChoiceOf(chosenToken, remembered);
  const [pasted, setPasted] = useState('');
  // Extra headers: kept in the page only (a header may hold a credential of the user's own).
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [result, setResult] = useState<CallResult>();
  const [failure, setFailure] = useState<unknown>();
  // Send was tried while refused: the reason is shown until the request can go.
  const [refused, setRefused] = useState(false);
  const [sending, setSending] = useState(false);
  const [history, setHistory] = useState<HistoryEntry[]>(readHistory);
  // A body picked from the history, for the endpoint about to be selected.
  const pendingBody = useRef<string | undefined>(undefined);
  // A logged request handed over by the logs view: taken from storage once, on the first render.
  const replay = useRef<Replay | undefined | null>(null);
  if (replay.current === null) replay.current = takeReplay();
  const sendingNow = useRef(false);

  /** A body from outside the editor: an endpoint's defaults, a past or saved request. */
  function loadBody(text: string) {
    setBodyText(text);
    setBodyRevision((revision) => revision + 1);
    setRefused(false);
  }

  // A new endpoint starts from its defaults, or from the logged request being replayed.
  useEffect(() => {
    if (!selected) return;
    const replayed = replay.current;
    const body =
      replayed?.endpoint === selected.path && replayed.body !== undefined
        ? replayed.body
        : exampleBody(schema);
    loadBody(pendingBody.current ?? JSON.stringify(body, null, 2));
    pendingBody.current = undefined;
    setResult(undefined);
    setFailure(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the endpoint changes
  }, [selected?.path]);

  const problems = selected ? checkBody(bodyText, schema) : [];
  const noPastedToken = tokenChoice === PASTE && pasted.trim() === '';
  const token = tokenOfChoice(tokenChoice, { adminToken: session.adminToken, pasted, remembered });
  const call = prepareCall({
    endpoint: selected?.path,
    baseUrl: session.baseUrl,
    bodyText,
    headers,
    environment,
    token,
    pastedTokenMissing: noPastedToken,
  });
  const { body, refusal, request: outgoing } = call;
  // Token values the panel knows: masked in the query view and snippets, refused as variables.
  const secrets = [
    session.adminToken,
    ...remembered.map((known) => known.value),
    ...(pasted.trim() ? [pasted.trim()] : []),
  ];

  async function send() {
    // A ref, not the state: two quick Ctrl+Enter presses come before a re-render.
    if (sendingNow.current) return;
    setRefused(refusal !== undefined);
    if (refusal || !selected || !outgoing) return;
    sendingNow.current = true;
    setSending(true);
    setFailure(undefined);
    try {
      const answer = await sendRequest(outgoing);
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

  /** Another environment: its kind of token, when it names one, is the one sent. */
  function switchEnvironment(next: Environment | undefined) {
    if (next?.token) setTokenChoice(choiceForKind(next.token, remembered));
  }

  /** A saved request into the panel: its endpoint, body and a token of its kind. */
  function load(saved: SavedRequest) {
    const text = JSON.stringify(saved.body, null, 2);
    if (saved.endpoint !== selected?.path) pendingBody.current = text;
    navigate(`/try${saved.endpoint}`);
    loadBody(text);
    setResult(undefined);
    setFailure(undefined);
    setTokenChoice(choiceForKind(saved.tokenKind, remembered));
  }

  /** A past request into the panel: its endpoint and body. */
  function reopen(entry: HistoryEntry) {
    if (entry.endpoint !== selected?.path) pendingBody.current = entry.body;
    navigate(`/try${entry.endpoint}`);
    loadBody(entry.body);
    setResult(undefined);
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

          <EnvironmentPicker
            environments={environments}
            secrets={secrets}
            onChange={setEnvironments}
            onSwitch={switchEnvironment}
          />

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
            <span id="request-body-label" className="label">
              {BODY_LABEL}
            </span>
            <Suspense fallback={<p className="muted small">Starting the editor…</p>}>
              <BodyEditor
                endpoint={selected ? { path: selected.path, params: schema } : undefined}
                value={bodyText}
                revision={bodyRevision}
                label={BODY_LABEL}
                invalid={problems.length > 0}
                describedBy="body-problems"
                onChange={setBodyText}
                onSubmit={() => void send()}
              />
            </Suspense>
            <div id="body-problems" className="small" aria-live="polite">
              {problems.map((problem) => (
                <div key={problem} className={body.ok ? 'warn-text' : 'error-text'}>
                  {problem}
                </div>
              ))}
            </div>
          </div>

          <HeadersEditor rows={headers} problems={call.headerProblems} onChange={setHeaders} />

          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={send}
              disabled={refusal !== undefined || sending}
              title={refusal}
            >
              <Send size={15} aria-hidden /> {sending ? 'Sending…' : 'Send'}
            </button>
            <span className="muted small">Ctrl+Enter</span>
          </div>
          {refused && refusal && (
            <p role="alert" className="error-text small">
              {refusal}
            </p>
          )}
          <OutgoingView request={outgoing} secrets={secrets} />
          {selected && (
            <CopySnippets
              call={{
                baseUrl,
                endpoint: selected.path,
                body: call.params ?? {},
                token: tokenChoice !== NONE,
                // The headers as sent, but a token value never leaves in a copied snippet.
                headers: call.headers.map(({ name, value }) => [name, maskSecrets(value, secrets)]),
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
          body: selected && body.ok ? body.value : undefined,
          tokenKind: kindOfChoice(tokenChoice, remembered),
        }}
        environment={environment}
        onLoad={load}
      />

      <RecentRequests
        history={history}
        onOpen={reopen}
        onClear={() => {
          clearHistory();
          setHistory([]);
        }}
      />
    </div>
  );
}
