import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SavedRequest, SavedRequestInput } from '../../../shared/admin-api.js';
import { adminRequest } from './client.js';
import { useSession } from './hooks.js';

/** The workspace's saved requests (`/api/requests`), kept by the server. */
export const savedRequestsKey = ['saved-requests'];

export function useSavedRequests() {
  const session = useSession();
  return useQuery({
    queryKey: savedRequestsKey,
    queryFn: ({ signal }) =>
      adminRequest<{ requests: SavedRequest[] }>(session, 'GET', '/api/requests', { signal }).then(
        (data) => data.requests,
      ),
  });
}

/** Creates a saved request, or replaces the one with `id`. */
export function useSaveRequest() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: SavedRequestInput }) =>
      id === undefined
        ? adminRequest<SavedRequest>(session, 'POST', '/api/requests', { body: input })
        : adminRequest<SavedRequest>(session, 'PUT', `/api/requests/${encodeURIComponent(id)}`, {
            body: input,
          }),
    onSuccess: () => client.invalidateQueries({ queryKey: savedRequestsKey }),
  });
}

export function useDeleteRequest() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      adminRequest<{ id: string; deleted: true }>(
        session,
        'DELETE',
        `/api/requests/${encodeURIComponent(id)}`,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: savedRequestsKey }),
  });
}
