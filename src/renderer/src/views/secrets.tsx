import { LockKeyhole, Pencil, Save, Trash2 } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { SECRET_ENV_PREFIX, secretNameProblem, type SecretInfo } from '../../../shared/admin-api.js';
import { useDeleteSecret, useSecrets, useSetSecret } from '../api/hooks.js';
import { ConfirmDialog } from '../components/confirm.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorNotice, Loading } from '../components/feedback.js';
import { formatDateTime } from '../time.js';

/**
 * The workspace's secrets: names and dates (never a value), a form to add or replace one (the
 * value typed into a password field, sent once, never read back), delete after confirmation.
 */
export function SecretsView() {
  const secrets = useSecrets();
  const save = useSetSecret();
  const remove = useDeleteSecret();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [saved, setSaved] = useState<{ name: string; replaced: boolean }>();
  const [deleting, setDeleting] = useState<SecretInfo>();
  const valueField = useRef<HTMLInputElement>(null);

  const trimmed = name.trim();
  const nameProblem = trimmed === '' ? undefined : secretNameProblem(trimmed);
  const existing = secrets.data?.find((secret) => secret.name === trimmed);
  const fromEnv = existing?.source === 'env';

  function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed === '' || nameProblem || fromEnv || value === '') return;
    const replaced = existing !== undefined;
    save.mutate(
      { name: trimmed, value },
      {
        onSuccess: () => {
          setSaved({ name: trimmed, replaced });
          setName('');
          setValue('');
        },
      },
    );
  }

  /** Replace: the row's name goes into the form, and the value field takes the focus. */
  function replace(secret: SecretInfo) {
    setName(secret.name);
    setValue('');
    setSaved(undefined);
    valueField.current?.focus();
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Secrets</h1>
      </div>
      <p className="muted">
        Keys and passwords your functions need, kept out of <code>apis/</code>, the config file and the logs.
        Code reads them with <code>secret(&apos;NAME&apos;)</code> or <code>env.NAME</code> from{' '}
        <code>api-deploy</code>; a change reaches running functions at once. A value is never shown again once
        saved.
      </p>

      <form
        className="card row"
        onSubmit={submit}
        aria-label="Set a secret"
        style={{ alignItems: 'flex-start' }}
      >
        <div className="field" style={{ flex: '1 1 200px' }}>
          <label htmlFor="secret-name">Name</label>
          <input
            id="secret-name"
            className="mono"
            value={name}
            maxLength={128}
            placeholder="e.g. PAYMENT_KEY"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={nameProblem !== undefined || fromEnv}
            aria-describedby="secret-name-help"
            // Names are upper-case, as environment variables are: typed letters become capitals.
            onChange={(event) => setName(event.target.value.toUpperCase())}
          />
          <span id="secret-name-help" className={`small ${nameProblem || fromEnv ? 'error-text' : 'muted'}`}>
            {nameProblem
              ? `Not a valid name: ${nameProblem}.`
              : fromEnv
                ? `${trimmed} is set by the variable ${SECRET_ENV_PREFIX}${trimmed}; change it where the server starts.`
                : existing
                  ? `${trimmed} exists: saving replaces its value.`
                  : ' '}
          </span>
        </div>
        <div className="field" style={{ flex: '2 1 260px' }}>
          <label htmlFor="secret-value">Value</label>
          <input
            id="secret-value"
            ref={valueField}
            type="password"
            value={value}
            autoComplete="new-password"
            placeholder={existing && !fromEnv ? 'The new value' : 'The value (not shown again)'}
            onChange={(event) => setValue(event.target.value)}
          />
        </div>
        <button
          type="submit"
          className="primary"
          style={{ marginTop: 21 }}
          disabled={save.isPending || trimmed === '' || nameProblem !== undefined || fromEnv || value === ''}
        >
          <Save size={15} aria-hidden /> {existing && !fromEnv ? 'Replace secret' : 'Save secret'}
        </button>
      </form>
      <ErrorNotice error={save.error} title="Could not save the secret" />

      {saved && (
        <div className="notice good row" role="status" aria-label="Secret saved">
          <span>
            <strong>{saved.name}</strong> {saved.replaced ? 'replaced' : 'saved'}. Functions read it with{' '}
            <code>secret(&apos;{saved.name}&apos;)</code> from their next call.
          </span>
          <button type="button" onClick={() => setSaved(undefined)} style={{ marginLeft: 'auto' }}>
            Done
          </button>
        </div>
      )}

      <ErrorNotice error={secrets.error} />
      <ErrorNotice error={remove.error} title="Could not delete the secret" />
      {secrets.isPending && <Loading what="secrets" />}
      {secrets.data && secrets.data.length === 0 && (
        <p className="muted">No secrets yet. Add one above, then read it in a function.</p>
      )}
      {secrets.data && secrets.data.length > 0 && (
        <table aria-label="Secrets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source</th>
              <th>Created</th>
              <th>Updated</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {secrets.data.map((secret) => (
              <tr key={secret.name}>
                <td className="mono">
                  <LockKeyhole size={13} aria-hidden /> {secret.name}
                </td>
                <td>
                  {secret.source === 'env' ? (
                    <span className="badge" title={`The variable ${SECRET_ENV_PREFIX}${secret.name}`}>
                      environment
                    </span>
                  ) : (
                    <span className="badge">secrets file</span>
                  )}
                </td>
                <td>{formatDateTime(secret.created)}</td>
                <td>{formatDateTime(secret.updated)}</td>
                <td>
                  <div className="row">
                    <CopyButton text={`secret('${secret.name}')`} label="Copy code" />
                    {secret.source === 'env' ? (
                      <span className="muted small">set where the server starts</span>
                    ) : (
                      <>
                        <button
                          type="button"
                          onClick={() => replace(secret)}
                          aria-label={`Replace ${secret.name}`}
                        >
                          <Pencil size={14} aria-hidden /> Replace
                        </button>
                        <button
                          type="button"
                          className="danger"
                          onClick={() => setDeleting(secret)}
                          aria-label={`Delete ${secret.name}`}
                        >
                          <Trash2 size={14} aria-hidden /> Delete
                        </button>
                      </>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete this secret?"
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const secret = deleting!;
          setDeleting(undefined);
          setSaved(undefined);
          remove.mutate(secret.name);
        }}
      >
        <p>
          <code>{deleting?.name}</code> is removed at once: a function reading it gets an error from its next
          call. The value cannot be brought back.
        </p>
      </ConfirmDialog>
    </div>
  );
}
