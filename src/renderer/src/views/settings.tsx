import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Save } from 'lucide-react';
import { useEffect, useState, type FormEvent } from 'react';
import type { ConfigUpdateResult, ConfigView } from '../../../shared/config-api.js';
import { adminRequest, ApiError } from '../api/client.js';
import { keys, useSession } from '../api/hooks.js';
import { ErrorNotice, Loading } from '../components/feedback.js';
import {
  changesOf,
  SETTING_GROUPS,
  toFormValues,
  type FormValues,
  type SettingField,
} from '../settings-fields.js';

/** The config file's settings (not its tokens), saved through the admin API and applied at once. */
export function SettingsView() {
  const session = useSession();
  const client = useQueryClient();
  const config = useQuery({
    queryKey: keys.config,
    queryFn: ({ signal }) => adminRequest<ConfigView>(session, 'GET', '/api/config', { signal }),
  });
  const save = useMutation({
    mutationFn: (changes: Record<string, unknown>) =>
      adminRequest<ConfigUpdateResult>(session, 'PUT', '/api/config', { body: { config: changes } }),
    onSuccess: (result) => {
      client.setQueryData<ConfigView>(
        keys.config,
        (view) =>
          view && {
            ...view,
            config: result.config,
            pendingRestart: result.pendingRestart,
            overridden: result.overridden,
          },
      );
      void client.invalidateQueries({ queryKey: keys.status });
    },
  });
  const [values, setValues] = useState<FormValues>();

  // The form starts from the config in effect, and again after every save.
  useEffect(() => {
    if (config.data) setValues(toFormValues(config.data.config));
  }, [config.data]);

  const pending = config.data && values ? changesOf(config.data.config, values) : undefined;
  // Problems of the form are shown as they are typed; a half-typed value counts as an edit.
  const problems = pending?.problems ?? {};
  const problemCount = Object.keys(problems).length;
  const changedCount = pending ? Object.keys(flatten(pending.changes)).length : 0;
  const serverProblems = fieldProblems(save.error);
  const overridden = new Set<string>(config.data?.overridden);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!pending || problemCount > 0 || changedCount === 0) return;
    save.mutate(pending.changes);
  }

  function discard() {
    if (config.data) setValues(toFormValues(config.data.config));
    save.reset();
  }

  return (
    <form className="page" onSubmit={submit} aria-label="Settings">
      <div className="page-head">
        <h1>Settings</h1>
        {config.data && (
          <span className="muted small">
            {config.data.path ? (
              <code>{config.data.path}</code>
            ) : (
              'No config file: the server runs on defaults.'
            )}
          </span>
        )}
        <div className="actions">
          <button
            type="button"
            disabled={(changedCount === 0 && problemCount === 0) || save.isPending}
            onClick={discard}
          >
            <RotateCcw size={15} aria-hidden /> Discard
          </button>
          <button
            type="submit"
            className="primary"
            disabled={changedCount === 0 || problemCount > 0 || save.isPending || !config.data?.path}
          >
            <Save size={15} aria-hidden />{' '}
            {save.isPending ? 'Saving…' : `Save${changedCount ? ` (${changedCount})` : ''}`}
          </button>
        </div>
      </div>
      <p className="muted small" style={{ margin: 0 }}>
        Saved to the config file (other content, tokens included, is kept) and applied at once, except where a
        restart is noted. Tokens are managed on the Tokens page.
      </p>

      <div aria-live="polite">
        {save.data && (
          <div className="notice good" role="status">
            Saved. {save.data.reload.message}.
          </div>
        )}
        {config.data && config.data.pendingRestart.length > 0 && (
          <div className="notice" role="status" aria-label="restart needed">
            <strong className="warn-text">
              Restart the server to apply: {config.data.pendingRestart.join(', ')}.
            </strong>{' '}
            It still runs with the value it started with.
          </div>
        )}
        <ErrorNotice error={save.error} title="Not saved" />
      </div>
      <ErrorNotice error={config.error} />
      {config.isPending && <Loading what="settings" />}

      {values &&
        SETTING_GROUPS.map((group) => (
          <fieldset key={group.title} className="card settings-group">
            <legend>{group.title}</legend>
            {group.fields.map((field) => (
              <SettingInput
                key={field.key}
                field={field}
                overridden={overridden.has(field.key)}
                value={values[field.key]!}
                problem={problems[field.key] ?? serverProblems[field.key]}
                onChange={(value) => {
                  setValues({ ...values, [field.key]: value });
                  // The server's complaint was about the value being replaced.
                  if (save.isError) save.reset();
                }}
              />
            ))}
          </fieldset>
        ))}
    </form>
  );
}

/** The help of a key a flag or variable holds: what saving it does, and does not, do. */
const OVERRIDDEN_HELP =
  'Set by a command-line flag or an API_DEPLOY_ variable, which wins: a value saved here goes to the config file, used when the server starts without it.';

function SettingInput({
  field,
  value,
  problem,
  overridden,
  onChange,
}: {
  field: SettingField;
  value: string | boolean;
  problem?: string;
  overridden: boolean;
  onChange: (value: string | boolean) => void;
}) {
  const id = `setting-${field.key}`;
  const help = `${id}-help`;
  if (field.kind === 'boolean') {
    return (
      <div className="setting setting-check">
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          aria-describedby={help}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label htmlFor={id}>{field.label}</label>
        <span id={help} className="muted small">
          {field.help}
        </span>
      </div>
    );
  }
  const common = {
    id,
    value: String(value),
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': help,
  };
  return (
    <div className="setting">
      <label htmlFor={id}>
        {field.label} {field.restart && <span className="badge warn">restart</span>}
        {overridden && <span className="badge">set by a flag</span>}
      </label>
      {field.kind === 'list' ? (
        <textarea {...common} rows={3} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          inputMode={field.kind === 'integer' ? 'numeric' : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      <span id={help} className={problem ? 'error-text small' : 'muted small'}>
        {problem ?? (overridden ? OVERRIDDEN_HELP : field.help)}
      </span>
    </div>
  );
}

/** `{logging: {a: 1}}` → `{'logging.a': 1}`: what the save button counts. */
function flatten(changes: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) flat[`${key}.${inner}`] = innerValue;
    } else flat[key] = value;
  }
  return flat;
}

/** The server's 422 details by setting key (`config.port` → `port`). */
function fieldProblems(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(
    error.details.map((detail) => [detail.path.replace(/^config\./, ''), detail.message]),
  );
}
