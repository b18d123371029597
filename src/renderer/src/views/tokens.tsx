import { KeyRound, Plus, Trash2 } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { CreatedToken, TokenInfo, TokenRole } from '../../../shared/admin-api.js';
import { useCreateToken, useRevokeToken, useTokens } from '../api/hooks.js';
import { ConfirmDialog } from '../components/confirm.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorNotice, Loading } from '../components/feedback.js';
import { formatDateTime } from '../time.js';
import { forgetToken, rememberToken } from '../token-memory.js';

/** The tokens of the config file: list (never values), create (value shown once), revoke. */
export function TokensView() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<TokenRole>('business');
  const [created, setCreated] = useState<{ token: CreatedToken; at: number }>();
  const [revoking, setRevoking] = useState<TokenInfo>();
  const [revoked, setRevoked] = useState<TokenInfo>();
  // A revoked token's value is worth nothing: it goes from the screen, whoever revoked it (a
  // list read after it was created that no longer has it says another window did).
  const shown =
    created &&
    !(tokens.dataUpdatedAt > created.at && !tokens.data?.some((token) => token.id === created.token.id))
      ? created.token
      : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { label: label.trim(), role },
      {
        onSuccess: (token) => {
          setCreated({ token, at: Date.now() });
          setRevoked(undefined);
          setLabel('');
          rememberToken({ id: token.id, label: token.label, value: token.token, role: token.role });
        },
      },
    );
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Tokens</h1>
      </div>

      <form
        className="card row"
        onSubmit={submit}
        aria-label="Create a token"
        style={{ alignItems: 'flex-end' }}
      >
        <div className="field" style={{ flex: '1 1 220px' }}>
          <label htmlFor="token-label">Label</label>
          <input
            id="token-label"
            value={label}
            maxLength={80}
            placeholder="e.g. billing service"
            onChange={(event) => setLabel(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="token-role">Role</label>
          <select id="token-role" value={role} onChange={(event) => setRole(event.target.value as TokenRole)}>
            <option value="business">business (calls endpoints)</option>
            <option value="admin">admin (also this panel)</option>
          </select>
        </div>
        <button type="submit" className="primary" disabled={create.isPending || label.trim() === ''}>
          <Plus size={15} aria-hidden /> Create token
        </button>
      </form>
      <ErrorNotice error={create.error} title="Could not create the token" />

      {shown && (
        <section className="card stack notice good" aria-label="New token" role="status">
          <strong>Token “{shown.label}” created. Copy it now: it is not shown again.</strong>
          <div className="row">
            <code className="token-value" data-testid="new-token-value">
              {shown.token}
            </code>
            <CopyButton text={shown.token} label="Copy token" />
            <button type="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
          <span className="muted small">
            Until this page is reloaded, the request panel can send it for you.
          </span>
        </section>
      )}

      <ErrorNotice error={tokens.error} />
      <ErrorNotice error={revoke.error} title="Could not revoke the token" />
      {revoked && (
        <p className="notice good" role="status">
          Token “{revoked.label}” revoked: it no longer works.
        </p>
      )}
      {tokens.isPending && <Loading what="tokens" />}
      {tokens.data && (
        <table aria-label="Tokens">
          <thead>
            <tr>
              <th>Label</th>
              <th>Role</th>
              <th>Token</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td>
                  <KeyRound size={13} aria-hidden /> {token.label}
                </td>
                <td>
                  <span className={`badge${token.role === 'admin' ? ' warn' : ''}`}>{token.role}</span>
                </td>
                <td className="mono">{token.masked}</td>
                <td>{formatDateTime(token.created)}</td>
                <td>{token.lastUsed ? formatDateTime(token.lastUsed) : 'never (since start)'}</td>
                <td>
                  {token.session ? (
                    <span
                      className="muted small"
                      title="Held in memory by the desktop app, never in the config file"
                    >
                      this app session
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setRevoking(token)}
                      aria-label={`Revoke ${token.label}`}
                    >
                      <Trash2 size={14} aria-hidden /> Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke this token?"
        confirmLabel="Revoke"
        danger
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => {
          const token = revoking!;
          setRevoking(undefined);
          revoke.mutate(token.id, {
            onSuccess: () => {
              forgetToken(token.id);
              setRevoked(token);
              setCreated((current) => (current?.token.id === token.id ? undefined : current));
            },
          });
        }}
      >
        <p>
          “{revoking?.label}” ({revoking?.role}) stops working at once, for every client using it. This cannot
          be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
