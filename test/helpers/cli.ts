import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const CLI = path.resolve('out/server/cli.js');

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs the built headless server (`npm run serve` without the build step). */
export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until the server prints the URL it serves on, and returns it. */
export async function serverUrl(run: CliRun): Promise<string> {
  for (;;) {
    const match = /serving \d+ endpoint\(s\) at (http:\/\/\S+)/.exec(run.stdout());
    if (match) return match[1]!;
    const exited = await Promise.race([
      run.exited.then(() => true),
      new Promise((r) => setTimeout(r, 50, false)),
    ]);
    if (exited) throw new Error(`the server exited: ${run.stderr()}`);
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The pids of a cluster's runtime processes, from the banner's last line (`--processes N`). */
export async function clusterPids(run: CliRun): Promise<number[]> {
  await serverUrl(run);
  for (;;) {
    const match = /Processes: \d+ share the port \(node:cluster; pids ([\d, ]+)\)/.exec(run.stdout());
    if (match) return match[1]!.split(', ').map(Number);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
