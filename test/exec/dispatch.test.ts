// Quick calls that arrive together go to one worker that keeps up with them (choose-worker.ts,
// and its unit test); slow calls made together must still run side by side, each in a worker.
// The server runs as its own process, so that the calls reach it as a client's would.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serverUrl, type CliRun } from '../helpers/cli.js';
import { ADMIN, BUSINESS, makeWorkspace } from '../helpers/server.js';

const MODULE = `import { apiFunction } from 'api-deploy';
import { threadId } from 'node:worker_threads';
/** Keeps its worker busy for ms, and says which worker it ran in. */
export const run = apiFunction((ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
  return threadId;
});
`;

describe('slow calls made together (2 workers)', () => {
  let cli: CliRun;
  let url: string;
  beforeAll(async () => {
    const dir = await makeWorkspace({ 'apis/where.ts': MODULE }, { workers: 2, maxWorkers: 2 });
    cli = runCli(['serve', dir]);
    url = await serverUrl(cli);
  });
  afterAll(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  });

  it('run side by side, one in each worker: the second is not left behind the first', async () => {
    // The second worker joins shortly after the first serves.
    await expect
      .poll(async () => {
        const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
        return /^api_deploy_workers (\d+)$/m.exec(await response.text())?.[1];
      })
      .toBe('2');
    expect(new Set(await together(url, 2, 400)).size).toBe(2);
  });
});

/**
 * Calls /where/run `count` times on as many connections, opened first and written to at once.
 * Resolves with the thread each call ran in.
 */
async function together(url: string, count: number, ms: number): Promise<number[]> {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify({ token: BUSINESS, body: { ms } });
  const request =
    `POST /where/run HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port), hostname, () => resolve(socket));
          socket.on('error', reject);
        }),
    ),
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<number>((resolve, reject) => {
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('end', () => {
          const answer = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as { data: number };
          resolve(answer.data);
        });
        socket.on('error', reject);
      }),
  );
  for (const socket of sockets) socket.write(request);
  return Promise.all(answers);
}
