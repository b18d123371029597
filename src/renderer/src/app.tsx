import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Router } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { SessionContext } from './api/hooks.js';
import { ApiError } from './api/client.js';
import { Layout } from './layout.js';
import { LoginView } from './views/login.js';
import { forgetLogin, initialSession, rememberLogin, type Session } from './session.js';

/** The control panel: the login (browser only), then the views over one admin session. */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [starting, setStarting] = useState(true);
  const [startError, setStartError] = useState<string>();
  useEffect(() => {
    initialSession()
      .then(setSession, (error: unknown) =>
        setStartError(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setStarting(false));
  }, []);

  const logout = () => {
    forgetLogin();
    setSession(undefined);
  };

  if (starting) return null;
  if (startError) {
    return (
      <main className="login">
        <div className="login-card" role="alert">
          <h1>API Deploy</h1>
          <p className="error-text">The app could not hand the panel its session: {startError}</p>
          <button type="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!session) {
    return (
      <LoginView
        onLogin={(next) => {
          rememberLogin(next);
          setSession(next);
        }}
      />
    );
  }
  return <SignedIn session={session} onLogout={logout} />;
}

/** The views over one session; a new sign-in mounts it afresh, with nothing cached from before. */
function SignedIn({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const [queryClient] = useState(() => createQueryClient(onLogout));
  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>
        <Router hook={useHashLocation}>
          <Layout onLogout={session.desktop ? undefined : onLogout} />
        </Router>
      </QueryClientProvider>
    </SessionContext.Provider>
  );
}

/** Retries what may pass on a second try; a refused admin token ends the browser session. */
function createQueryClient(logout: () => void): QueryClient {
  const refused = (error: unknown) =>
    error instanceof ApiError && (error.status === 401 || error.status === 403);
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) =>
          !refused(error) &&
          !(error instanceof ApiError && error.status < 500 && error.status > 0) &&
          count < 2,
        refetchOnWindowFocus: true,
        staleTime: 2000,
      },
    },
  });
  client.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'error' && refused(event.action.error)) logout();
  });
  return client;
}
