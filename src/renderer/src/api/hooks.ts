import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import type {
  CreatedToken,
  EndpointMetrics,
  FileEntry,
  HistoryFile,
  HistoryVersion,
  HistoryVersionContent,
  Registry,
  RestoredVersion,
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
  /** Every file's history: `['history', path]` is one file's, below it its versions' texts. */
  history: ['history'],
  historyOf: (path: string) => ['history', path],
  historyVersion: (path: string, id: string) => ['history', path, id],
  config: ['config'],
} satisfies Record<string, QueryKey | ((...args: never[]) => QueryKey)>;

/**
 * How often the few figures no event announces are read again: the memory in use (the
 * overview) and the calls per endpoint (the endpoints view). Everything else is refreshed by
 * the runtime's events (`useRuntimeEvents`), and polls stop while the panel is hidden.
 */
export const STATUS_REFRESH_MS = 30_000;
export const METRICS_REFRESH_MS = 15_000;

/** The runtime's status; refreshed by events, and every `refreshMs` when given. */
export function useStatus({ refreshMs }: { refreshMs?: number } = {}) {
  const session = useSession();
  return useQuery({
    queryKey: keys.status,
    queryFn: ({ signal }) => adminRequest<RuntimeStatus>(session, 'GET', '/api/status', { signal }),
    refetchInterval: refreshMs ?? false,
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
    refetchInterval: METRICS_REFRESH_MS,
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

/** The files with a history, deleted ones too (`GET /api/history`). */
export function useHistoryFiles() {
  const session = useSession();
  return useQuery({
    queryKey: keys.history,
    queryFn: ({ signal }) =>
      adminRequest<{ files: HistoryFile[] }>(session, 'GET', '/api/history', { signal }).then(
        (data) => data.files,
      ),
  });
}

/** A file's versions, newest first, without their text. */
export function useFileHistory(path: string) {
  const session = useSession();
  return useQuery({
    queryKey: keys.historyOf(path),
    queryFn: ({ signal }) =>
      adminRequest<{ versions: HistoryVersion[] }>(session, 'GET', '/api/history/versions', {
        query: { path },
        signal,
      }).then((data) => data.versions),
  });
}

/** One version's text (a version never changes: kept as long as it is cached). */
export function useHistoryVersion(path: string, id: string | undefined) {
  const session = useSession();
  return useQuery({
    queryKey: keys.historyVersion(path, id ?? ''),
    enabled: id !== undefined,
    staleTime: Infinity,
    queryFn: ({ signal }) =>
      adminRequest<HistoryVersionContent>(
        session,
        'GET',
        `/api/history/versions/${encodeURIComponent(id ?? '')}`,
        { query: { path }, signal },
      ),
  });
}

/** Writes a version back (re-creating a deleted file); answers the restore and its reload. */
export function useRestoreVersion() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, id, baseVersion }: { path: string; id: string; baseVersion?: string | null }) =>
      adminRequest<RestoredVersion>(
        session,
        'POST',
        `/api/history/versions/${encodeURIComponent(id)}/restore`,
        { body: { path, ...(baseVersion === undefined ? {} : { baseVersion }) } },
      ),
    onSuccess: () =>
      Promise.all(
        [keys.history, keys.files, keys.registry, keys.status].map((queryKey) =>
          client.invalidateQueries({ queryKey }),
        ),
      ),
  });
}

/** What each runtime event makes stale. */
const STALE_ON: Record<keyof RuntimeEventMap, QueryKey[]> = {
  reloaded: [keys.registry, keys.status, keys.files, keys.history],
  loadError: [keys.registry, keys.status],
  configChanged: [keys.config, keys.status, keys.registry],
  tokensChanged: [keys.tokens],
};

/** The panel's live connection to the runtime: not tried yet, up, or down (being tried again). */
export type Connection = 'connecting' | 'live' | 'lost';

/**
 * Follows `/api/events` for the whole panel: every registry, config or token change refreshes
 * the views showing it. Answers the state of that live connection: once an attempt has failed or
 * the stream has ended (the server stopped, the network went), it is `lost` until it is up again.
 */
export function useRuntimeEvents(): Connection {
  const session = useSession();
  const client = useQueryClient();
  const [connection, setConnection] = useState<Connection>('connecting');
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
        onConnected: (up) => setConnection(up ? 'live' : 'lost'),
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [session, client]);
  return connection;
}
