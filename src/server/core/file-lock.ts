import lockfile from 'proper-lockfile';

/** How long a lock may go without its holder touching it before another process takes it. */
const STALE_MS = 10_000;

/**
 * Runs `work` holding the lock of `file` (proper-lockfile: a `FILE.lock` folder beside it), so
 * processes that share a workspace (a cluster's, replicas') edit the file one at a time: two
 * read-edit-write cycles that overlap would lose one edit. A lock left by a process that died
 * is taken over once stale.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(file, {
    realpath: false,
    stale: STALE_MS,
    retries: { retries: 100, factor: 1.2, minTimeout: 10, maxTimeout: 250 },
    // The write itself is atomic: a lock found compromised (its folder gone) is not worth a crash.
    onCompromised: () => undefined,
  });
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
