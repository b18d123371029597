import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { PackageInfo, PackageJob } from '../../../shared/admin-api.js';
import { adminRequest } from './client.js';
import { useSession } from './hooks.js';
import { followStream } from './stream.js';

export interface PackagesState {
  packages: PackageInfo[];
  /** Packages modules import and the workspace lacks. */
  missing: string[];
  npmAvailable: boolean;
  jobs: PackageJob[];
}

export const packagesKey = ['packages'];

export function usePackages() {
  const session = useSession();
  return useQuery({
    queryKey: packagesKey,
    queryFn: ({ signal }) => adminRequest<PackagesState>(session, 'GET', '/api/packages', { signal }),
  });
}

/** Queues an install (`version` empty: the latest) or a removal; answers the job. */
export function useChangePackage() {
  const session = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (
      change: { action: 'install'; name: string; version?: string } | { action: 'remove'; name: string },
    ) =>
      (change.action === 'install'
        ? adminRequest<{ job: PackageJob }>(session, 'POST', '/api/packages', {
            body: { name: change.name, ...(change.version ? { version: change.version } : {}) },
          })
        : adminRequest<{ job: PackageJob }>(
            session,
            'DELETE',
            `/api/packages/${change.name.split('/').map(encodeURIComponent).join('/')}`,
          )
      ).then((answer) => answer.job),
    onSuccess: () => client.invalidateQueries({ queryKey: packagesKey }),
  });
}

const ended = (job: PackageJob) => job.state === 'succeeded' || job.state === 'failed';

/**
 * A job as it runs: its state and npm's output, followed live until it ends; then the package
 * list and the registry (the reload that followed) are refreshed.
 */
export function usePackageJob(initial: PackageJob | undefined): PackageJob | undefined {
  const session = useSession();
  const client = useQueryClient();
  const [job, setJob] = useState(initial);
  useEffect(() => {
    setJob(initial);
    if (!initial || ended(initial)) return;
    const abort = new AbortController();
    void followStream(
      session,
      `/api/packages/jobs/${initial.id}/stream`,
      {},
      {
        onEvent(event, data) {
          if (event === 'output') {
            const { line } = JSON.parse(data) as { line: string };
            setJob((current) => current && { ...current, output: [...current.output, line] });
          } else if (event === 'state') {
            const next = JSON.parse(data) as PackageJob;
            setJob(next);
            if (ended(next)) {
              abort.abort(); // the server ends the stream too: no reconnecting
              void client.invalidateQueries();
            }
          }
        },
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [initial, session, client]);
  return job;
}
