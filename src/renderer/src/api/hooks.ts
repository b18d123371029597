import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import type {
  CreatedToken,
  EndpointMetrics,
  FileEntry,
  Registry,
  ReloadConfigResult,
  ReloadResult,
  RuntimeEventMap,
  SecretInfo,
  RuntimeStatus,
  TokenInfo,
  TokenRole,
} from '../../../shared/admin-api.js';
import type { Session } from '../session.js';
import { adminRequest } from './client.js';
import { followStream } from './stream.js';

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in panel');
  return session;
}

/** Query keys of the admin API's resources, so events can refresh exactly what changed. */
export const keys = {
  status: ['status'],
  registry: ['registry'],
  metrics: ['metrics'],
  tokens: ['tokens'],
  secrets: ['secrets'],
  files: ['files'],
  file: (path: string) => ['file', path],
  config: ['config'],
} satisfies Record<string, QueryKey | ((...args: never[]) => QueryKey)>;

export function useStatus() {
  const session = useSession();
  return useQuery({
    queryKey: keys.status,
    queryFn: ({ signal }) => adminRequest<RuntimeStatus>(session, 'GET', '/api/status', { signal }),
    refetchInterval: 5000,
  });
}

export function useRegistry() {
  const session = useSession();
  return useQuery({
    queryKey: keys.registry,
    queryFn: ({ signal }) => adminRequest<Registry>(session, 'GET', '/api/endpoints', { signal }),
  });
}

export function useMetrics() {
  const session = useSession();
  return useQuery({
    queryKey: keys.metrics,
    queryFn: ({ signal }) =>
      adminRequest<{ endpoints: EndpointMetrics[] }>(session, 'GET', '/api/metrics', { signal }),
    refetchInterval: 5000,
  });
}

export function useTokens() {
  const session = useSession();
  return useQuery({
    queryKey: keys.tokens,
    queryFn: ({ signal }) =>
      adminRequest<{ tokens: TokenInfo[] }>(session, 'GET', '/api/tokens', { signal }).then((d) => d.tokens),
  });
}

export function useFiles() {
  const session = useSession();
  return useQuery({
    queryKey: keys.files,
    queryFn: ({ signal }) => adminRequest<FileEntry[]>(session, 'GET', '/api/files', { signal }),
  });
}

export function useReload() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => adminRequest<ReloadResult>(session, 'POST', '/api/reload'),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.registry }),
        client.invalidateQueries({ queryKey: keys.status }),
      ]),
  });
}

export function useReloadConfig() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => adminRequest<ReloadConfigResult>(session, 'POST', '/api/reload-config'),
    onSuccess: () => client.invalidateQueries(),
  });
}

export function useCreateToken() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { label: string; role: TokenRole }) =>
      adminRequest<CreatedToken>(session, 'POST', '/api/tokens', { body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.tokens }),
  });
}

export function useRevokeToken() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      adminRequest<{ revoked: string }>(session, 'DELETE', `/api/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.tokens }),
  });
}

export function useSecrets() {
  const session = useSession();
  return useQuery({
    queryKey: keys.secrets,
    queryFn: ({ signal }) =>
      adminRequest<{ secrets: SecretInfo[] }>(session, 'GET', '/api/secrets', { signal }).then(
        (data) => data.secrets,
      ),
  });
}

/** Creates or replaces a secret: the value goes to the runtime and is never read back. */
export function useSetSecret() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, value }: { name: string; value: string }) =>
      adminRequest<{ name: string; saved: true }>(
        session,
        'PUT',
        `/api/secrets/${encodeURIComponent(name)}`,
        {
          body: { value },
        },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.secrets }),
  });
}

export function useDeleteSecret() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      adminRequest<{ name: string; deleted: true }>(
        session,
        'DELETE',
        `/api/secrets/${encodeURIComponent(name)}`,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.secrets }),
  });
}

/** What each runtime event makes stale. */
const STALE_ON: Record<keyof RuntimeEventMap, QueryKey[]> = {
  reloaded: [keys.registry, keys.status, keys.files],
  loadError: [keys.registry, keys.status],
  configChanged: [keys.config, keys.status, keys.registry],
  tokensChanged: [keys.tokens],
};

/**
 * Follows `/api/events` for the whole panel: every registry, config or token change refreshes
 * the views showing it. Answers whether the live connection is up.
 */
export function useRuntimeEvents(): boolean {
  const session = useSession();
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    void followStream(
      session,
      '/api/events',
      {},
      {
        onEvent(event) {
          for (const key of STALE_ON[event as keyof RuntimeEventMap] ?? []) {
            void client.invalidateQueries({ queryKey: key });
          }
        },
        onConnected: setConnected,
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [session, client]);
  return connected;
}
