import { Plus, Trash2 } from 'lucide-react';
import { KeyValueTable } from '../components/key-value-table.js';
import { useState, type FormEvent } from 'react';
import { TOKEN_KINDS, type TokenKind } from '../../../shared/admin-api.js';
import { ConfirmDialog } from '../components/confirm.js';
import {
  activeEnvironment,
  environmentNameProblem,
  ENVIRONMENT_NAME_MAX,
  readEnvironments,
  variableNameProblem,
  writeEnvironments,
  type Environment,
  type EnvironmentStore,
} from '../request/environments.js';

const TOKEN_LABELS: Record<TokenKind, string> = {
  admin: "This panel's admin token",
  business: 'A business token',
  none: 'No token',
};

/** The environments, as stored in this browser, and a setter that stores them. */
export function useEnvironments(): [EnvironmentStore, (next: EnvironmentStore) => void] {
  const [environments, setEnvironments] = useState(readEnvironments);
  return [
    environments,
    (next) => {
      setEnvironments(next);
      writeEnvironments(next);
    },
  ];
}

interface EnvironmentProps {
  environments: EnvironmentStore;
  /** Token values that must never become a variable's value (it would be stored). */
  secrets: readonly string[];
  onChange: (next: EnvironmentStore) => void;
  /** Another environment was chosen (its token reference then applies). */
  onSwitch: (environment: Environment | undefined) => void;
}

/** The environment switcher, with the editor of environments behind "Edit". */
export function EnvironmentPicker({ environments, secrets, onChange, onSwitch }: EnvironmentProps) {
  const [editing, setEditing] = useState(false);
  const active = activeEnvironment(environments);
  return (
    <div className="field">
      <label htmlFor="environment-select">Environment</label>
      <div className="row">
        <select
          id="environment-select"
          value={active?.name ?? ''}
          onChange={(event) => {
            const name = event.target.value || undefined;
            onChange({ ...environments, active: name });
            onSwitch(environments.environments.find((env) => env.name === name));
          }}
        >
          <option value="">No environment</option>
          {environments.environments.map((env) => (
            <option key={env.name} value={env.name}>
              {env.name}
            </option>
          ))}
        </select>
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {editing ? 'Done' : 'Edit environments'}
        </button>
      </div>
      {active && active.variables.length > 0 && !editing && (
        <span className="muted small">{active.variables.map((entry) => `{{${entry.name}}}`).join(' ')}</span>
      )}
      {editing && (
        <EnvironmentEditor
          environments={environments}
          secrets={secrets}
          onChange={onChange}
          onSwitch={onSwitch}
        />
      )}
    </div>
  );
}

/** Create an environment, and edit the one chosen: its token reference and its variables. */
function EnvironmentEditor({ environments, secrets, onChange, onSwitch }: EnvironmentProps) {
  const [newName, setNewName] = useState('');
  const [tokenRefused, setTokenRefused] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const active = activeEnvironment(environments);
  const nameProblem = newName.trim() ? environmentNameProblem(newName, environments.environments) : undefined;

  function create(event: FormEvent) {
    event.preventDefault();
    if (environmentNameProblem(newName, environments.environments)) return;
    const created: Environment = { name: newName.trim(), variables: [{ name: 'baseUrl', value: '' }] };
    onChange({ active: created.name, environments: [...environments.environments, created] });
    onSwitch(created);
    setNewName('');
  }

  function update(change: Partial<Environment>) {
    if (!active) return;
    onChange({
      ...environments,
      environments: environments.environments.map((env) => (env === active ? { ...env, ...change } : env)),
    });
  }

  const variables = active?.variables ?? [];
  const setVariable = (index: number, change: { name?: string; value?: string }) => {
    // A token value never becomes a variable: variables are stored, token values never are.
    if (change.value !== undefined && holdsSecret(change.value, secrets)) {
      setTokenRefused(true);
      return;
    }
    setTokenRefused(false);
    update({ variables: variables.map((entry, at) => (at === index ? { ...entry, ...change } : entry)) });
  };
  const problems = variables.flatMap(
    (entry, index) => variableNameProblem(entry.name, variables.slice(0, index)) ?? [],
  );

  return (
    <section className="environment-editor stack" aria-label="Environments">
      <form className="row" onSubmit={create}>
        <input
          aria-label="New environment name"
          placeholder="e.g. staging"
          maxLength={ENVIRONMENT_NAME_MAX}
          value={newName}
          aria-invalid={nameProblem !== undefined}
          onChange={(event) => setNewName(event.target.value)}
        />
        <button type="submit" disabled={!newName.trim() || nameProblem !== undefined}>
          <Plus size={14} aria-hidden /> New environment
        </button>
      </form>
      {nameProblem && <span className="error-text small">{nameProblem}</span>}

      {active ? (
        <>
          <div className="row">
            <label className="label" htmlFor="environment-token">
              Token in {active.name}
            </label>
            <select
              id="environment-token"
              value={active.token ?? ''}
              onChange={(event) =>
                update({ token: (event.target.value || undefined) as TokenKind | undefined })
              }
            >
              <option value="">The one chosen above</option>
              {TOKEN_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {TOKEN_LABELS[kind]}
                </option>
              ))}
            </select>
            <button type="button" style={{ marginLeft: 'auto' }} onClick={() => setDeleting(true)}>
              <Trash2 size={14} aria-hidden /> Delete {active.name}
            </button>
          </div>
          <KeyValueTable
            label={`Variables of ${active.name}`}
            item="Variable"
            rows={variables}
            namePlaceholder="name"
            invalid={(entry, index) =>
              variableNameProblem(entry.name, variables.slice(0, index)) !== undefined
            }
            onEdit={setVariable}
            onRemove={(index) => update({ variables: variables.filter((_, at) => at !== index) })}
          />
          <div className="row">
            <button
              type="button"
              onClick={() => update({ variables: [...variables, { name: '', value: '' }] })}
            >
              <Plus size={14} aria-hidden /> Add variable
            </button>
            <span className="muted small">
              Kept in this browser. Use as {'{{name}}'} in the body and headers.
            </span>
          </div>
          {(problems.length > 0 || tokenRefused) && (
            <div className="small" aria-live="polite">
              {tokenRefused && (
                <div className="error-text">
                  That is a token value: environments are stored, tokens never are. Choose the token to send
                  instead.
                </div>
              )}
              {problems.map((problem) => (
                <div key={problem} className="error-text">
                  {problem}
                </div>
              ))}
            </div>
          )}
          <ConfirmDialog
            open={deleting}
            title={`Delete the environment "${active.name}"?`}
            confirmLabel="Delete"
            danger
            onCancel={() => setDeleting(false)}
            onConfirm={() => {
              setDeleting(false);
              onChange({ environments: environments.environments.filter((env) => env !== active) });
              onSwitch(undefined);
            }}
          >
            <p>Its {active.variables.length} variables go with it.</p>
          </ConfirmDialog>
        </>
      ) : (
        <p className="muted small">Choose an environment above to edit it, or create one.</p>
      )}
    </section>
  );
}

/** Whether a text holds a token value (short values only when equal, so "a" does not match everything). */
function holdsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some(
    (secret) => secret !== '' && (secret.length >= 8 ? text.includes(secret) : text === secret),
  );
}
