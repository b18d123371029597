// `node bench/profile.mjs [seconds]`: CPU profiles of the runtime under the bench's load
// (POST /template/sync_hello, 50 connections): the HTTP thread and each worker, written by
// `node --cpu-prof` to bench/results/profile/, then summed by function and by file. What
// bench/PROFILE.md explains comes from here.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/results/profile');
const seconds = Number(process.argv[2] ?? 5);

const dir = await mkdtemp(path.join(os.tmpdir(), 'api-deploy-profile-'));
await mkdir(path.join(dir, 'apis'));
await writeFile(path.join(dir, 'apis/template.ts'), await readFile(path.join(ROOT, 'apis/template.ts')));
await writeFile(
  path.join(dir, 'config.json'),
  JSON.stringify({
    host: '127.0.0.1',
    port: 0,
    validTokens: [{ token: 'bench-token', label: 'bench' }],
    adminTokens: [{ token: 'bench-admin', label: 'admin' }],
    logging: process.env.QUIET
      ? { enableRequestLogging: false, logToFile: false }
      : { enableRequestLogging: true, logToFile: true },
  }),
);
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });

const child = spawn(
  process.execPath,
  [
    `--cpu-prof`,
    `--cpu-prof-dir=${OUT}`,
    path.join(ROOT, 'out/server/cli.js'),
    '--config',
    path.join(dir, 'config.json'),
    '--quiet',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve) => {
  let seen = '';
  child.stdout.on('data', (chunk) => {
    seen += chunk;
    const match = /at (http:\S+)/.exec(seen);
    if (match) resolve(match[1]);
  });
});
const body = JSON.stringify({ token: 'bench-token', body: { name: 'Ada' } });
const run = (duration) =>
  autocannon({ url: `${url}/template/sync_hello`, method: 'POST', body, connections: 50, duration });
await run(1); // warm-up
const result = await run(seconds);
console.log(
  `${Math.round(result.requests.average)} req/s under the profiler, ${result.requests.total} requests`,
);
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await rm(dir, { recursive: true, force: true });

for (const file of (await readdir(OUT)).filter((name) => name.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(await readFile(path.join(OUT, file), 'utf8'));
  summarise(file, profile, result.requests.total);
}

/**
 * Self time by function and by file, in µs per request: the samples of the measured load only
 * (the last `seconds` before the server was stopped), not start-up's module loading.
 */
function summarise(file, profile, requests) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const from = profile.endTime - (seconds + 0.3) * 1e6;
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (time < from) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, micros] of self) {
    const { callFrame } = nodes.get(id);
    const where = callFrame.url
      ? callFrame.url.replace(/^.*\/(node_modules\/|out\/server\/|node:)/, '$1')
      : '';
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    const bucket = where.split(':')[0] || callFrame.functionName;
    byFile.set(bucket, (byFile.get(bucket) ?? 0) + micros);
    total += micros;
  }
  const idle = (byFile.get('(idle)') ?? 0) + (byFile.get('(program)') ?? 0) * 0;
  const busy = total - idle;
  console.log(
    `\n## ${file}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms, ${(busy / requests).toFixed(1)} µs per request`,
  );
  const top = (map, count) =>
    [...map]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([name, micros]) =>
          `${(micros / requests).toFixed(2).padStart(7)} µs/req  ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${name}`,
      )
      .join('\n');
  console.log(
    `by file:\n${top(byFile, 15)}\nby function:\n${top(byFunction, Number(process.env.TOP ?? 25))}`,
  );
}
