import { FileCode2, FolderOpen, RefreshCw, Settings2, X } from 'lucide-react';
import { Link } from 'wouter';
import type {
  ClusterProcessStatus,
  ReloadConfigResult,
  ReloadResult,
  SharedStateStatus,
  TokenRole,
} from '../../../shared/admin-api.js';
import { useEffect, useState } from 'react';
import { STATUS_REFRESH_MS, useRegistry, useReload, useReloadConfig, useStatus } from '../api/hooks.js';
import { ErrorNotice, formatDuration, Loading } from '../components/feedback.js';
import { formatDateTime } from '../time.js';
import { LoadErrorItem } from '../components/load-error.js';

/** The server at a glance, and the two reload buttons of the seed's admin API. */
export function OverviewView() {
  const status = useStatus({ refreshMs: STATUS_REFRESH_MS });
  const uptime = useUptime(status.data?.uptime, status.dataUpdatedAt);
  const reload = useReload();
  const reloadConfig = useReloadConfig();
  const data = status.data;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="actions">
          <DesktopFolderButtons />
          <button type="button" onClick={() => reload.mutate()} disabled={reload.isPending}>
            <RefreshCw size={15} aria-hidden /> {reload.isPending ? 'Reloading…' : 'Reload APIs'}
          </button>
          <button type="button" onClick={() => reloadConfig.mutate()} disabled={reloadConfig.isPending}>
            <Settings2 size={15} aria-hidden /> {reloadConfig.isPending ? 'Reloading…' : 'Reload config'}
          </button>
        </div>
      </div>

      <div aria-live="polite">
        {reload.data && <ReloadNotice result={reload.data} />}
        {reloadConfig.data && <ReloadConfigNotice result={reloadConfig.data} />}
        <ErrorNotice error={reload.error} title="Reload failed" />
        <ErrorNotice error={reloadConfig.error} title="Config reload failed" />
      </div>

      <ErrorNotice error={status.error} />
      {status.isPending && <Loading what="status" />}
      {data && data.documentedTokens.length > 0 && <DocumentedTokensWarning roles={data.documentedTokens} />}
      {data && <FirstRunHint />}
      {data && (
        <>
          <section className="card stack" aria-label="Server">
            <div className="row">
              <span className="dot good" aria-hidden />
              <strong>Running</strong>
              <span className="muted">version {data.version}</span>
            </div>
            <div className="row">
              <span className="label">URL</span>
              <code>{data.url ?? window.location.origin}</code>
            </div>
            <div className="row">
              <span className="label">APIs folder</span>
              <code>{data.apisDir}</code>
            </div>
            {data.configPath && (
              <div className="row">
                <span className="label">Config</span>
                <code>{data.configPath}</code>
              </div>
            )}
            {data.logFile && (
              <div className="row">
                <span className="label">Log file</span>
                <code>{data.logFile}</code>
              </div>
            )}
            {data.sharedState && <SharedStateRow shared={data.sharedState} />}
          </section>

          <section className="grid" aria-label="Figures">
            <Stat label="Uptime" value={formatDuration(uptime ?? 0)} />
            <Stat label="Hot reload" value={data.hotReload ? 'On' : 'Off'} />
            <Stat label="Modules" value={data.modules} />
            <Stat label="Endpoints" value={data.endpoints} />
            <Stat
              label="Failing modules"
              value={data.failedModules.length}
              bad={data.failedModules.length > 0}
            />
            <Stat label="Generation" value={data.generation} />
            <Stat label="Workers" value={`${data.workers.min}–${data.workers.max}`} />
            <Stat label="Memory" value={`${data.memory.rssMb} MB`} />
          </section>

          {data.cluster && <ProcessesSection processes={data.cluster.processes} />}

          {data.failedModules.length > 0 && (
            <section className="card stack" aria-label="Failing modules">
              <h2 className="error-text">Failing modules</h2>
              <p className="muted small">
                Each keeps serving its last good version, if it had one, until the error is fixed.
              </p>
              {data.failedModules.map((failure) => (
                <LoadErrorItem key={failure.module} error={failure} />
              ))}
            </section>
          )}
        </>
      )}
    </div>
  );
}

const REDIS_STATES: Record<SharedStateStatus['redis'], { dot: string; text: string }> = {
  connected: { dot: 'good', text: 'Redis connected' },
  connecting: { dot: 'wait', text: 'Connecting to Redis' },
  unreachable: {
    dot: 'bad',
    text: 'Redis unreachable: calls are served with the tokens last loaded; changes are refused',
  },
};

/** This replica's link to the Redis the replicas share their state through. */
function SharedStateRow({ shared }: { shared: SharedStateStatus }) {
  const { dot, text } = REDIS_STATES[shared.redis];
  return (
    <div className="row">
      <span className="label">Shared state</span>
      <span className={`dot ${dot}`} aria-hidden />
      <span className={shared.redis === 'unreachable' ? 'error-text' : undefined}>{text}</span>
      <span className="muted">since {formatDateTime(shared.since)}</span>
    </div>
  );
}

/**
 * The uptime the server last answered (`readAt`, this machine's clock), counted on here each
 * second rather than asked of the server again: its clock may differ from this one.
 */
function useUptime(answered: number | undefined, readAt: number): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return answered === undefined ? undefined : answered + Math.max(0, now - readAt) / 1000;
}

const LIFECYCLES: Record<ClusterProcessStatus['lifecycle'], { dot: string; text: string }> = {
  starting: { dot: 'wait', text: 'starting' },
  serving: { dot: 'good', text: 'serving' },
  stopping: { dot: 'wait', text: 'stopping' },
};

/** Cluster mode on one box: every runtime process, by number. */
function ProcessesSection({ processes }: { processes: ClusterProcessStatus[] }) {
  return (
    <section className="card stack" aria-label="Processes">
      <h2>Processes</h2>
      <p className="muted small">
        {processes.length} processes share the port. Process 1 compiles and watches the modules; the others
        load its builds. Metrics are the whole cluster&apos;s; the figures above, the logs and the events are
        those of the process that answered.
      </p>
      <table aria-label="Processes">
        <thead>
          <tr>
            <th>Process</th>
            <th>PID</th>
            <th>State</th>
            <th>Generation</th>
            <th>Endpoints</th>
            <th>In flight</th>
            <th>Memory</th>
            <th>Uptime</th>
          </tr>
        </thead>
        <tbody>
          {processes.map((process) => (
            <tr key={process.number}>
              <td>
                {process.number}
                {process.answering && <span className="muted small"> (answered this page)</span>}
              </td>
              <td className="mono">{process.pid}</td>
              <td>
                <span className={`dot ${LIFECYCLES[process.lifecycle].dot}`} aria-hidden />{' '}
                {LIFECYCLES[process.lifecycle].text}
              </td>
              <td>{process.generation}</td>
              <td>
                {process.endpoints}
                {process.failedModules > 0 && (
                  <span className="error-text"> ({process.failedModules} failing)</span>
                )}
              </td>
              <td>{process.inFlight}</td>
              <td>{process.rssMb} MB</td>
              <td>{formatDuration(process.uptime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Stat({ label, value, bad }: { label: string; value: string | number; bad?: boolean }) {
  return (
    <div className="card stat">
      <div className="label">{label}</div>
      <div className={`value${bad ? ' error-text' : ''}`}>{value}</div>
    </div>
  );
}

function ReloadNotice({ result }: { result: ReloadResult }) {
  const failed = result.failed.length;
  return (
    <div className={`notice ${failed ? 'bad' : 'good'}`} role="status">
      {result.message}: {result.modules} modules, {result.endpoints} endpoints in{' '}
      {Math.round(result.durationMs)} ms
      {failed > 0 && `, ${failed} failed`}.
    </div>
  );
}

function ReloadConfigNotice({ result }: { result: ReloadConfigResult }) {
  return (
    <div className="notice good" role="status">
      {result.message}
      {result.changed.length > 0 && <> — changed: {result.changed.join(', ')}</>}
      {result.restartRequired.length > 0 && (
        <strong className="warn-text"> Restart needed for: {result.restartRequired.join(', ')}</strong>
      )}
    </div>
  );
}

/** In the desktop app: open the workspace's folders in the system's file manager. */
function DesktopFolderButtons() {
  const openFolder = window.apiDeploy?.openFolder;
  if (!openFolder) return null;
  return (
    <>
      <button type="button" onClick={() => void openFolder('apis')}>
        <FolderOpen size={15} aria-hidden /> APIs folder
      </button>
      <button type="button" onClick={() => void openFolder('logs')}>
        <FolderOpen size={15} aria-hidden /> Logs folder
      </button>
    </>
  );
}

const DOCUMENTED = { admin: 'your-admin-token', business: 'your-business-token' } as const;

/** The README's tokens still work here: anyone who read it can use them. */
function DocumentedTokensWarning({ roles }: { roles: TokenRole[] }) {
  const admin = roles.includes('admin');
  return (
    <section className="notice warn stack" role="alert" aria-label="Documented tokens in use">
      <strong>
        {admin ? 'The documented admin token works here' : 'The documented business token works here'}
      </strong>
      <p>
        {roles.map((role, index) => (
          <span key={role}>
            {index > 0 && ' and '}
            <code>{DOCUMENTED[role]}</code>
          </span>
        ))}{' '}
        {roles.length > 1 ? 'are' : 'is'} printed in the README, so anyone who can reach this server
        {admin ? ' can sign in here, change your APIs and read your secrets' : ' can call your endpoints'}.
        Create your own in <Link href="/tokens">Tokens</Link>
        {admin ? ', sign in again with it,' : ''} then revoke the documented one.
      </p>
    </section>
  );
}

/** Where the first-run hint remembers it was put away (not a secret). */
export const FIRST_RUN_HINT_KEY = 'api-deploy.first-run-hint';

/**
 * Shown while the APIs folder holds the shipped template only: how to write a first API, in the
 * panel alone. Put away for good with its close button.
 */
function FirstRunHint() {
  const registry = useRegistry();
  const [hidden, setHidden] = useState(() => localStorage.getItem(FIRST_RUN_HINT_KEY) === 'hidden');
  const modules = registry.data?.modules;
  const onlyTemplate = modules !== undefined && modules.every(({ module }) => module === 'template');
  if (hidden || !onlyTemplate) return null;
  return (
    <section className="card stack first-run" aria-label="Write your first API">
      <div className="row">
        <h2>Write your first API</h2>
        <button
          type="button"
          className="icon-button"
          style={{ marginLeft: 'auto' }}
          aria-label="Put this hint away"
          title="Put this hint away"
          onClick={() => {
            localStorage.setItem(FIRST_RUN_HINT_KEY, 'hidden');
            setHidden(true);
          }}
        >
          <X size={16} aria-hidden />
        </button>
      </div>
      <ol>
        <li>
          In the <strong>Editor</strong>, click <strong>New file</strong>, name it (<code>orders.ts</code>),
          and write a function:{' '}
          <code>export const total = apiFunction((price: number, qty: number) =&gt; price * qty);</code>
        </li>
        <li>
          Save (<kbd>Ctrl</kbd>+<kbd>S</kbd>): it answers at once at <code>POST /orders/total</code>, with its
          parameters checked against the signature.
        </li>
        <li>
          Try it in <strong>Request</strong>, and see its line in <strong>Logs</strong>.
        </li>
      </ol>
      <div>
        <Link href="/editor" className="button-link">
          <FileCode2 size={15} aria-hidden /> Open the editor
        </Link>
      </div>
    </section>
  );
}
