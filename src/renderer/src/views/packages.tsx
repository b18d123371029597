import { Download, Package, Trash2 } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PackageInfo, PackageJob } from '../../../shared/admin-api.js';
import { useChangePackage, usePackageJob, usePackages } from '../api/packages.js';
import { ConfirmDialog } from '../components/confirm.js';
import { ErrorNotice, Loading } from '../components/feedback.js';

/**
 * The workspace's npm packages without a terminal: install one by name (and version), follow
 * npm's output live, see what is installed, remove after confirmation. Packages the modules
 * import and lack are offered for install; `install` fills the name in (the editor's link).
 */
export function PackagesView({ install: suggested }: { install?: string } = {}) {
  const packages = usePackages();
  const change = useChangePackage();
  // A package named by a problem in the editor ("Install dayjs") arrives typed in.
  const [name, setName] = useState(suggested ?? '');
  const [version, setVersion] = useState('');
  const [removing, setRemoving] = useState<PackageInfo>();
  const [started, setStarted] = useState<PackageJob>();
  // The job on show: the one started here, else one already running when the view opened.
  const running = packages.data?.jobs.find((job) => job.state === 'running' || job.state === 'queued');
  const job = usePackageJob(started ?? running);

  function install(packageName: string, packageVersion = '') {
    change.mutate(
      { action: 'install', name: packageName, version: packageVersion.trim() },
      {
        onSuccess: (queued) => {
          setStarted(queued);
          setName('');
          setVersion('');
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) install(name.trim(), version);
  }

  const busy = change.isPending || job?.state === 'running' || job?.state === 'queued';
  const data = packages.data;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Packages</h1>
      </div>
      <p className="muted">
        npm packages your modules can import, installed for this workspace only (in{' '}
        <code>.api-deploy/packages</code>, beside <code>apis/</code>). Modules that failed for want of one
        load again once it is installed.
      </p>

      {data && !data.npmAvailable && (
        <div className="notice bad" role="alert">
          npm cannot be found, so packages cannot be installed here. Install Node.js with npm, or set{' '}
          <code>API_DEPLOY_NPM_CLI</code> to npm&apos;s <code>npm-cli.js</code>.
        </div>
      )}

      {data && data.missing.length > 0 && (
        <section className="notice warn stack" aria-label="Missing packages">
          <span>Your modules import packages this workspace does not have:</span>
          <div className="row">
            {data.missing.map((missing) => (
              <button
                key={missing}
                type="button"
                disabled={busy || !data.npmAvailable}
                onClick={() => install(missing)}
              >
                <Download size={14} aria-hidden /> Install {missing}
              </button>
            ))}
          </div>
        </section>
      )}

      <form
        className="card row"
        onSubmit={submit}
        aria-label="Install a package"
        style={{ alignItems: 'flex-end' }}
      >
        <div className="field" style={{ flex: '2 1 240px' }}>
          <label htmlFor="package-name">Package</label>
          <input
            id="package-name"
            className="mono"
            value={name}
            maxLength={214}
            placeholder="e.g. dayjs or @scope/name"
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field" style={{ flex: '1 1 140px' }}>
          <label htmlFor="package-version">Version</label>
          <input
            id="package-version"
            className="mono"
            value={version}
            placeholder="latest"
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setVersion(event.target.value)}
          />
        </div>
        <button
          type="submit"
          className="primary"
          disabled={busy || name.trim() === '' || data?.npmAvailable === false}
        >
          <Download size={15} aria-hidden /> Install
        </button>
      </form>
      <ErrorNotice error={change.error} title="npm was not run" />

      {job && <JobView job={job} />}

      <ErrorNotice error={packages.error} />
      {packages.isPending && <Loading what="packages" />}
      {data && data.packages.length === 0 && (
        <p className="muted">No packages yet. Install one above, then import it in a module.</p>
      )}
      {data && data.packages.length > 0 && (
        <table aria-label="Packages">
          <thead>
            <tr>
              <th>Package</th>
              <th>Wanted</th>
              <th>Installed</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.packages.map((info) => (
              <tr key={info.name}>
                <td className="mono">
                  <Package size={13} aria-hidden /> {info.name}
                </td>
                <td className="mono">{info.wanted}</td>
                <td className="mono">{info.installed ?? <span className="warn-text">not installed</span>}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => setRemoving(info)}
                    aria-label={`Remove ${info.name}`}
                  >
                    <Trash2 size={14} aria-hidden /> Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ConfirmDialog
        open={removing !== undefined}
        title="Remove this package?"
        confirmLabel="Remove"
        danger
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          const info = removing!;
          setRemoving(undefined);
          change.mutate({ action: 'remove', name: info.name }, { onSuccess: setStarted });
        }}
      >
        <p>
          <code>{removing?.name}</code> is uninstalled; modules importing it stop loading until it is
          installed again (their last good version keeps serving until then).
        </p>
      </ConfirmDialog>
    </div>
  );
}

const STATE_TEXT: Record<PackageJob['state'], string> = {
  queued: 'waiting for the change before it',
  running: 'running npm…',
  succeeded: 'done',
  failed: 'failed',
};

/** One install or removal: what it is, how it went, and npm's output as it comes. */
function JobView({ job }: { job: PackageJob }) {
  const output = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const element = output.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [job.output.length]);
  const what =
    job.action === 'install'
      ? `Install ${job.name}${job.wanted && job.wanted !== 'latest' ? `@${job.wanted}` : ''}`
      : `Remove ${job.name}`;
  const tone = job.state === 'failed' ? 'bad' : job.state === 'succeeded' ? 'good' : '';
  return (
    <section className={`card stack notice ${tone}`} aria-label="npm" aria-live="polite">
      <div className="row">
        <strong>{what}</strong>
        <span className="muted" data-testid="job-state">
          {STATE_TEXT[job.state]}
        </span>
      </div>
      {job.state === 'failed' && job.error && (
        <p className="error-text" role="alert">
          {job.error}. The packages are as they were.
        </p>
      )}
      {job.state === 'succeeded' && job.reload && (
        <p className="small">
          Modules reloaded: {job.reload.endpoints} endpoint{job.reload.endpoints === 1 ? '' : 's'}
          {job.reload.failed > 0
            ? `, ${job.reload.failed} module(s) still failing (see the Overview)`
            : ', no failures'}
          .
        </p>
      )}
      {job.output.length > 0 && (
        <pre ref={output} className="npm-output small" aria-label="npm output">
          {job.output.join('\n')}
        </pre>
      )}
    </section>
  );
}
