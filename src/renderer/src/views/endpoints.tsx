import { Search, Send } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { editorHref } from '../links.js';
import type { EndpointMetrics, RegistryEndpoint, RegistryModule } from '../../../shared/admin-api.js';
import { useMetrics, useRegistry, useStatus } from '../api/hooks.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorNotice, Loading } from '../components/feedback.js';
import { LoadErrorItem } from '../components/load-error.js';
import { curlCommand } from '../curl.js';
import { exampleBody, paramRows, type JsonSchema } from '../schema.js';

/** The endpoint registry, searchable, kept current by the runtime's events. */
export function EndpointsView() {
  const registry = useRegistry();
  const metrics = useMetrics();
  const status = useStatus();
  const [search, setSearch] = useState('');
  const baseUrl = status.data?.url ?? window.location.origin;

  const byEndpoint = useMemo(
    () => new Map((metrics.data?.endpoints ?? []).map((entry) => [entry.endpoint, entry])),
    [metrics.data],
  );
  const modules = useMemo(() => filterModules(registry.data?.modules ?? [], search), [registry.data, search]);
  const total = modules.reduce((sum, module) => sum + module.endpoints.length, 0);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Endpoints</h1>
        <label className="search">
          <Search size={15} aria-hidden />
          <input
            type="search"
            placeholder="Search endpoints"
            aria-label="Search endpoints"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <span className="muted small" aria-live="polite">
          {registry.data && `${total} endpoint${total === 1 ? '' : 's'}`}
        </span>
      </div>
      <ErrorNotice error={registry.error} />
      {registry.isPending && <Loading what="endpoints" />}

      {registry.data?.unavailable.map((failure) => (
        <section
          key={failure.module}
          className="card stack"
          aria-label={`Module ${failure.module} unavailable`}
        >
          <div className="row">
            <span className="badge bad">unavailable</span>
            <strong>{failure.module}</strong>
          </div>
          <LoadErrorItem error={failure} />
        </section>
      ))}

      {registry.data && total === 0 && registry.data.unavailable.length === 0 && (
        <p className="muted">
          {search ? 'No endpoint matches.' : 'No endpoints yet. '}
          {!search && <Link href="/editor">Write one in the editor.</Link>}
        </p>
      )}

      {modules.map((module) => (
        <section key={module.module} className="stack" aria-label={`Module ${module.module}`}>
          <div className="row">
            <h2 style={{ margin: 0 }}>{module.module}</h2>
            <Link href={editorHref(module.file)} className="mono small">
              {module.file}
            </Link>
          </div>
          {module.lastLoadError && (
            <div className="card stack">
              <span className="badge warn">serving the last good version</span>
              <LoadErrorItem error={module.lastLoadError} />
            </div>
          )}
          {module.endpoints.map((endpoint) => (
            <EndpointCard
              key={endpoint.path}
              endpoint={endpoint}
              metrics={byEndpoint.get(endpoint.path)}
              baseUrl={baseUrl}
            />
          ))}
        </section>
      ))}
    </div>
  );
}

function filterModules(modules: RegistryModule[], search: string): RegistryModule[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return modules;
  return modules
    .map((module) => ({
      ...module,
      endpoints: module.endpoints.filter((endpoint) =>
        [endpoint.path, endpoint.description ?? '', ...Object.keys(paramsOf(endpoint).properties ?? {})]
          .join(' ')
          .toLowerCase()
          .includes(needle),
      ),
    }))
    .filter((module) => module.endpoints.length > 0);
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const paramsOf = (endpoint: RegistryEndpoint) => endpoint.params as JsonSchema;

function EndpointCard({
  endpoint,
  metrics,
  baseUrl,
}: {
  endpoint: RegistryEndpoint;
  metrics?: EndpointMetrics;
  baseUrl: string;
}) {
  const schema = paramsOf(endpoint);
  const rows = paramRows(schema);
  const curl = curlCommand(baseUrl, endpoint.path, exampleBody(schema));
  return (
    <article className="card stack" aria-label={endpoint.path}>
      <div className="row">
        <span className="badge">POST</span>
        <code className="endpoint-path">{endpoint.path}</code>
        <span className="badge">{endpoint.style}</span>
        {endpoint.async && <span className="badge">async</span>}
        {endpoint.timeoutMs !== undefined && (
          <span className="muted small">time limit {endpoint.timeoutMs / 1000} s</span>
        )}
        {metrics && (
          <span className="muted small">
            {plural(metrics.count, 'call')} · {plural(metrics.errors, 'error')} · p50 {metrics.p50Ms ?? '—'}{' '}
            ms · p95 {metrics.p95Ms ?? '—'} ms
          </span>
        )}
        <span className="actions" style={{ marginLeft: 'auto' }}>
          <Link href={`/try${endpoint.path}`} className="button-link">
            <Send size={14} aria-hidden /> Try it
          </Link>
        </span>
      </div>
      {endpoint.description && <p style={{ margin: 0 }}>{endpoint.description}</p>}
      {rows.length === 0 ? (
        <p className="muted small" style={{ margin: 0 }}>
          No parameters.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Parameter</th>
              <th>Type</th>
              <th>Required</th>
              <th>Default</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name}>
                <td>
                  <code>{row.name}</code>
                </td>
                <td className="mono">{row.type}</td>
                <td>{row.required ? 'yes' : 'no'}</td>
                <td className="mono">{row.hasDefault ? JSON.stringify(row.default) : '—'}</td>
                <td className="muted">{row.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary className="small">curl</summary>
        <div className="stack" style={{ marginTop: 8 }}>
          <pre>{curl}</pre>
          <div>
            <CopyButton text={curl} label="Copy curl" />
          </div>
        </div>
      </details>
    </article>
  );
}
