import { Bookmark, Play, PlayCircle, Save, Trash2, Upload } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { SAVED_REQUEST_NAME_MAX, type SavedRequest, type TokenKind } from '../../../shared/admin-api.js';
import { useSession } from '../api/hooks.js';
import { useDeleteRequest, useSavedRequests, useSaveRequest } from '../api/saved-requests.js';
import { ConfirmDialog } from '../components/confirm.js';
import { ErrorNotice, Loading } from '../components/feedback.js';
import type { Environment } from '../request/environments.js';
import { runAll, runSaved, type RunOutcome, type RunWith } from '../saved-run.js';
import { useRememberedTokens } from '../token-memory.js';

const KIND_LABELS: Record<TokenKind, string> = {
  admin: "this panel's admin token",
  business: 'a business token',
  none: 'no token',
};

export interface CurrentRequest {
  /** The selected endpoint, if any. */
  endpoint?: string;
  /** The body, parsed; undefined while it is not a JSON object. */
  body?: Record<string, unknown>;
  /** The kind of the token the panel is set to send. */
  tokenKind: TokenKind;
}

/**
 * The workspace's saved requests, under the request panel: save the current request (endpoint,
 * body, which kind of token: never a token value; optionally the `data` expected back), list
 * them with Run, Load and Delete, and run them all, one after the other, into a pass/fail table.
 */
export function SavedRequests({
  current,
  environment,
  onLoad,
}: {
  current: CurrentRequest;
  /** The environment chosen: runs put its variables into the saved bodies' `{{name}}`. */
  environment?: Environment;
  onLoad: (request: SavedRequest) => void;
}) {
  const session = useSession();
  const saved = useSavedRequests();
  const save = useSaveRequest();
  const remove = useDeleteRequest();
  const remembered = useRememberedTokens();

  const [name, setName] = useState('');
  const [kind, setKind] = useState<TokenKind>(current.tokenKind);
  const [expectText, setExpectText] = useState('');
  const [deleting, setDeleting] = useState<SavedRequest>();
  // A business token for runs, typed here: held in this component's state only, never stored.
  const [pastedBusiness, setPastedBusiness] = useState('');
  const [outcomes, setOutcomes] = useState<RunOutcome[]>();
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abort.current?.abort(), []);
  // The save form follows the token the panel is set to, until changed here.
  useEffect(() => setKind(current.tokenKind), [current.tokenKind]);

  const requests = saved.data ?? [];
  const knownBusiness = remembered.findLast((token) => token.role === 'business');
  const runWith: RunWith = { business: pastedBusiness.trim() || knownBusiness?.value, environment };
  const needsBusiness = requests.some((request) => request.tokenKind === 'business');

  const trimmed = name.trim();
  const existing = requests.find(
    (request) => request.name.localeCompare(trimmed, undefined, { sensitivity: 'accent' }) === 0,
  );
  const expect = parseExpect(expectText);
  const canSave =
    current.endpoint !== undefined && current.body !== undefined && trimmed !== '' && !expect.problem;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSave) return;
    save.mutate(
      {
        id: existing?.id,
        input: {
          name: trimmed,
          endpoint: current.endpoint!,
          body: current.body!,
          tokenKind: kind,
          ...(expect.value === undefined ? {} : { expect: expect.value }),
        },
      },
      {
        onSuccess: () => {
          setName('');
          setExpectText('');
        },
      },
    );
  }

  async function run(list: readonly SavedRequest[]) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setOutcomes([]);
    try {
      if (list.length === 1) {
        setOutcomes([await runSaved(session, list[0]!, runWith, controller.signal)]);
      } else {
        await runAll(
          session,
          list,
          runWith,
          (outcome) => setOutcomes((done) => [...(done ?? []), outcome]),
          controller.signal,
        );
      }
    } catch {
      // aborted: the panel went away or a new run started
    } finally {
      if (abort.current === controller) setRunning(false);
    }
  }

  return (
    <section className="card stack" aria-label="Saved requests">
      <div className="row">
        <h2 style={{ margin: 0 }}>
          <Bookmark size={15} aria-hidden /> Saved requests
        </h2>
        <button
          type="button"
          className="primary"
          style={{ marginLeft: 'auto' }}
          disabled={requests.length === 0 || running}
          onClick={() => void run(requests)}
        >
          <PlayCircle size={15} aria-hidden /> {running ? 'Running…' : 'Run all'}
        </button>
      </div>

      <form
        className="row"
        aria-label="Save this request"
        onSubmit={submit}
        style={{ alignItems: 'flex-start' }}
      >
        <div className="field" style={{ flex: '1 1 180px' }}>
          <label htmlFor="saved-name">Name</label>
          <input
            id="saved-name"
            value={name}
            maxLength={SAVED_REQUEST_NAME_MAX}
            autoComplete="off"
            placeholder="e.g. price of two teas"
            onChange={(event) => setName(event.target.value)}
          />
          <span className="muted small">
            {existing ? `"${existing.name}" exists: saving replaces it.` : ' '}
          </span>
        </div>
        <div className="field">
          <label htmlFor="saved-kind">Send with</label>
          <select id="saved-kind" value={kind} onChange={(event) => setKind(event.target.value as TokenKind)}>
            {(Object.keys(KIND_LABELS) as TokenKind[]).map((option) => (
              <option key={option} value={option}>
                {KIND_LABELS[option]}
              </option>
            ))}
          </select>
          <span className="muted small">the kind is saved, never a token</span>
        </div>
        <div className="field" style={{ flex: '2 1 240px' }}>
          <label htmlFor="saved-expect">Expected data (optional JSON)</label>
          <textarea
            id="saved-expect"
            rows={2}
            spellCheck={false}
            className="mono"
            value={expectText}
            placeholder='e.g. {"total": 7.2}: the answer’s data must contain it'
            aria-invalid={expect.problem !== undefined}
            aria-describedby="saved-expect-help"
            onChange={(event) => setExpectText(event.target.value)}
          />
          <span id="saved-expect-help" className={`small ${expect.problem ? 'error-text' : 'muted'}`}>
            {expect.problem ?? 'Objects match by the keys given; arrays item by item, same length.'}
          </span>
        </div>
        <button type="submit" style={{ marginTop: 21 }} disabled={!canSave || save.isPending}>
          <Save size={15} aria-hidden /> {existing ? 'Replace' : 'Save'}
        </button>
      </form>
      {current.endpoint === undefined && (
        <span className="muted small">Choose an endpoint to save a request to it.</span>
      )}
      <ErrorNotice error={save.error} title="Could not save the request" />
      <ErrorNotice error={saved.error} title="Could not read the saved requests" />
      <ErrorNotice error={remove.error} title="Could not delete the saved request" />
      {saved.isPending && <Loading what="saved requests" />}
      {saved.data && requests.length === 0 && (
        <p className="muted small">
          No saved requests yet. They are kept in <code>.api-deploy/requests.json</code> beside the config
          file.
        </p>
      )}
      {requests.length > 0 && (
        <table aria-label="Saved requests list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Endpoint</th>
              <th>Token</th>
              <th>Expects</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((request) => (
              <tr key={request.id}>
                <td>{request.name}</td>
                <td className="mono">{request.endpoint}</td>
                <td>{request.tokenKind}</td>
                <td className="mono small">
                  {request.expect === undefined ? '2xx' : oneLine(request.expect)}
                </td>
                <td>
                  <div className="row">
                    <button
                      type="button"
                      aria-label={`Run ${request.name}`}
                      disabled={running}
                      onClick={() => void run([request])}
                    >
                      <Play size={14} aria-hidden /> Run
                    </button>
                    <button type="button" aria-label={`Load ${request.name}`} onClick={() => onLoad(request)}>
                      <Upload size={14} aria-hidden /> Load
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete ${request.name}`}
                      onClick={() => setDeleting(request)}
                    >
                      <Trash2 size={14} aria-hidden /> Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {needsBusiness && (
        <div className="field">
          <label htmlFor="run-business-token">Business token for runs</label>
          <input
            id="run-business-token"
            type="password"
            autoComplete="off"
            value={pastedBusiness}
            placeholder={
              knownBusiness
                ? `${knownBusiness.label} (created in this session) unless you paste another`
                : 'Paste a business token (not stored)'
            }
            onChange={(event) => setPastedBusiness(event.target.value)}
          />
        </div>
      )}

      {outcomes && <RunTable outcomes={outcomes} running={running} />}

      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete this saved request?"
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const request = deleting!;
          setDeleting(undefined);
          remove.mutate(request.id);
        }}
      >
        <p>
          <strong>{deleting?.name}</strong> (<code>{deleting?.endpoint}</code>) is removed from the workspace.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function RunTable({ outcomes, running }: { outcomes: RunOutcome[]; running: boolean }) {
  const passed = outcomes.filter((outcome) => outcome.verdict === 'pass').length;
  return (
    <div className="stack" aria-live="polite">
      <strong role="status">
        {running ? `Running… ${outcomes.length} done` : `${passed} of ${outcomes.length} passed`}
      </strong>
      <table aria-label="Run results">
        <thead>
          <tr>
            <th>Name</th>
            <th>Endpoint</th>
            <th>Status</th>
            <th>Time</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map((outcome) => (
            <tr key={outcome.request.id} data-verdict={outcome.verdict}>
              <td>{outcome.request.name}</td>
              <td className="mono">{outcome.request.endpoint}</td>
              <td>{outcome.status ?? '—'}</td>
              <td>{outcome.durationMs === undefined ? '—' : `${Math.round(outcome.durationMs)} ms`}</td>
              <td>
                <span
                  className={`badge ${outcome.verdict === 'pass' ? 'good' : outcome.verdict === 'fail' ? 'bad' : 'warn'}`}
                >
                  {outcome.verdict === 'pass' ? 'pass' : outcome.verdict === 'fail' ? 'fail' : 'not run'}
                </span>{' '}
                <span className="small">{outcome.reason}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The expected data typed: nothing, a JSON value, or what is wrong with it. */
function parseExpect(text: string): { value?: unknown; problem?: string } {
  if (text.trim() === '') return {};
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `Not valid JSON: ${(error as Error).message}` };
  }
}

const oneLine = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};
