import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { RuntimeStatus } from '../../../shared/admin-api.js';
import { adminRequest, ApiError } from '../api/client.js';
import { browserSession, type Session } from '../session.js';

/** The headless panel's login: an admin token, checked against the server before it is kept. */
export function LoginView({ onLogin }: { onLogin: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const session = browserSession(token.trim());
    setChecking(true);
    setError(undefined);
    try {
      await adminRequest<RuntimeStatus>(session, 'GET', '/api/status');
      onLogin(session);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <KeyRound aria-hidden size={22} /> API Deploy
        </h1>
        <p className="muted">Sign in to this server&apos;s control panel with an admin token.</p>
        <label htmlFor="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={checking || token.trim() === ''}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        <p className="muted small">
          The admin tokens are the <code>adminTokens</code> of <code>api-deploy.config.json</code>. The token
          is kept for this browser tab only.
        </p>
      </form>
    </main>
  );
}
