// `npm run bench`: the runtime's figures, written to bench/results/latest.json and .md.
// One run, no assertions: see issue 4 for the targets. Everything runs on this machine, on
// loopback, with the load generator (autocannon) sharing the cores with the servers.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token';
const ADMIN = 'bench-admin';
const BODY = JSON.stringify({ token: TOKEN, body: { name: 'Ada' } });
const quick = process.argv.includes('--quick'); // a short run, to check the bench itself
const ROUND_SECONDS = quick ? 2 : 5;
const ROUNDS = quick ? 2 : 4;
const EDITS = quick ? 10 : 50;
const RELOADS_UNDER_LOAD = 20;
const MANY_RELOADS = quick ? 100 : 1000;

const results = { machine: machine(), date: new Date().toISOString(), quick };

const workspace = await makeWorkspace({ enableRequestLogging: true, logToFile: true });
// The same runtime with request logging off, to measure what logging costs.
const quietWorkspace = await makeWorkspace({ enableRequestLogging: false, logToFile: false });
const startRuntime = (dir) =>
  startProcess(
    process.execPath,
    [path.join(ROOT, 'out/server/cli.js'), '--config', path.join(dir, 'config.json'), '--quiet'],
    /at (http:\S+)/,
  );
const runtime = await startRuntime(workspace);
const unlogged = await startRuntime(quietWorkspace);
const bare = await startProcess(
  process.execPath,
  [path.join(ROOT, 'bench/bare-express.mjs')],
  /listening (\d+)/,
);
const runtimeUrl = runtime.match;
const bareUrl = `http://127.0.0.1:${bare.match}`;

try {
  console.log(
    `runtime ${runtimeUrl}   bare express ${bareUrl}   (${ROUNDS} A/B rounds of ${ROUND_SECONDS}s)`,
  );
  await load(runtimeUrl, 1); // warm-up
  await load(bareUrl, 1);
  await load(unlogged.match, 1);

  // 1. Throughput and latency, interleaved A/B rounds.
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await load(runtimeUrl, ROUND_SECONDS);
    const b = await load(bareUrl, ROUND_SECONDS);
    const c = await load(unlogged.match, ROUND_SECONDS);
    rounds.push({ runtime: a, bare: b, unlogged: c });
    console.log(
      `round ${round + 1}: runtime ${a.rps} req/s p99 ${a.p99} ms | bare ${b.rps} req/s p99 ${b.p99} ms | runtime without request logs ${c.rps} req/s`,
    );
  }
  const runtimeRps = median(rounds.map((r) => r.runtime.rps));
  const bareRps = median(rounds.map((r) => r.bare.rps));
  results.throughput = {
    runtime: {
      rps: runtimeRps,
      p50: median(rounds.map((r) => r.runtime.p50)),
      p99: median(rounds.map((r) => r.runtime.p99)),
      errors: sum(rounds.map((r) => r.runtime.errors)),
    },
    bare: {
      rps: bareRps,
      p50: median(rounds.map((r) => r.bare.p50)),
      p99: median(rounds.map((r) => r.bare.p99)),
      errors: sum(rounds.map((r) => r.bare.errors)),
    },
    ratio: round2(runtimeRps / bareRps),
    rounds,
  };
  const unloggedRps = median(rounds.map((r) => r.unlogged.rps));
  results.logging = {
    unloggedRps,
    loggedRps: runtimeRps,
    costPercent: round2((1 - runtimeRps / unloggedRps) * 100),
  };

  // 2. Save-to-new-answer latency through the watcher.
  const latencies = [];
  for (let edit = 1; edit <= EDITS; edit++) latencies.push(await saveAndWait(edit));
  latencies.sort((x, y) => x - y);
  results.reload = {
    edits: EDITS,
    p50: round2(percentile(latencies, 50)),
    p95: round2(percentile(latencies, 95)),
    max: round2(latencies.at(-1)),
  };
  console.log(`reload: p50 ${results.reload.p50} ms, p95 ${results.reload.p95} ms`);

  // 3. Failed requests while reloads happen under steady load.
  const steady = autocannon({
    url: `${runtimeUrl}/bench/version`,
    method: 'POST',
    body: JSON.stringify({ token: TOKEN }),
    connections: 10,
    duration: 60,
  });
  const reloadLatencies = [];
  for (let i = 0; i < RELOADS_UNDER_LOAD; i++) reloadLatencies.push(await saveAndWait(1000 + i));
  steady.stop();
  const underLoad = await steady;
  results.reloadUnderLoad = {
    reloads: RELOADS_UNDER_LOAD,
    requests: underLoad.requests.total,
    failed: underLoad.errors + underLoad.timeouts + underLoad.non2xx,
  };
  console.log(`reloads under load: ${results.reloadUnderLoad.failed} failed of ${underLoad.requests.total}`);

  // 4. Memory after many reloads.
  await reloadTimes(10);
  const rssAfter10 = await settledRss(runtime.child.pid);
  await reloadTimes(MANY_RELOADS - 10);
  const rssAfterMany = await settledRss(runtime.child.pid);
  results.memory = {
    reloads: MANY_RELOADS,
    rssAfter10Mb: rssAfter10,
    rssAfterManyMb: rssAfterMany,
    growthMb: round2(rssAfterMany - rssAfter10),
  };
  console.log(`RSS after 10 reloads ${rssAfter10} MB, after ${MANY_RELOADS} ${rssAfterMany} MB`);

  // 5. A fast endpoint while another call blocks its worker for 2 s.
  const blocking = fetch(`${runtimeUrl}/bench/block`, {
    method: 'POST',
    body: JSON.stringify({ token: TOKEN, body: { ms: 2000 } }),
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fast = await load(runtimeUrl, 1.8, 10);
  await blocking;
  results.blocked = { p50: fast.p50, p99: fast.p99, rps: fast.rps, errors: fast.errors };
  console.log(`fast endpoint while one worker is blocked: p99 ${fast.p99} ms`);
} finally {
  runtime.child.kill('SIGTERM');
  unlogged.child.kill('SIGTERM');
  bare.child.kill('SIGTERM');
}

await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
const table = markdown(results);
await writeFile(path.join(ROOT, 'bench/results/latest.md'), table);
console.log(`\n${table}`);

// ---------------------------------------------------------------------------------------------

async function makeWorkspace(logging) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'api-deploy-bench-'));
  await mkdir(path.join(dir, 'apis'));
  await writeFile(
    path.join(dir, 'apis/template.ts'),
    await readFile(path.join(ROOT, 'apis/template.ts'), 'utf8'),
  );
  await writeFile(path.join(dir, 'apis/bench.ts'), benchModule(0));
  const config = {
    host: '127.0.0.1',
    port: 0,
    validTokens: [{ token: TOKEN, label: 'bench' }],
    adminTokens: [{ token: ADMIN, label: 'bench admin' }],
    hotReload: true,
    debug: false,
    logging,
  };
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

function benchModule(version) {
  return `import { apiFunction } from 'api-deploy';
export const version = apiFunction(() => ${version});
export const block = apiFunction((ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
  return ms;
});
`;
}

/** Writes version `n` of the bench module and waits until the server answers with it. */
async function saveAndWait(n) {
  const started = performance.now();
  await writeFile(path.join(workspace, 'apis/bench.ts'), benchModule(n));
  for (;;) {
    const answer = await fetch(`${runtime.match}/bench/version`, {
      method: 'POST',
      body: JSON.stringify({ token: TOKEN }),
    }).then((r) => r.json());
    if (answer.data === n) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function reloadTimes(count) {
  for (let i = 0; i < count; i++) {
    const answer = await fetch(`${runtime.match}/api/reload?token=${ADMIN}`).then((r) => r.json());
    if (!answer.success) throw new Error(`reload failed: ${JSON.stringify(answer)}`);
  }
}

/** RSS of the server process in MB, after its workers have had a moment to be released. */
async function settledRss(pid) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return round2(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

async function load(base, seconds, connections = 50) {
  const result = await autocannon({
    url: `${base}/template/sync_hello`,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function startProcess(command, args, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = ready.exec(seen);
      if (match) resolve({ child, match: match[1] });
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

function median(values) {
  return [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
function round2(value) {
  return Math.round(value * 100) / 100;
}

function markdown(r) {
  const t = r.throughput;
  return `| measure | result | target |
|---|---|---|
| throughput, runtime (POST /template/sync_hello, auth + validation + worker + request log) | ${t.runtime.rps} req/s, p50 ${t.runtime.p50} ms, p99 ${t.runtime.p99} ms | |
| throughput, bare Express 5 route | ${t.bare.rps} req/s, p50 ${t.bare.p50} ms, p99 ${t.bare.p99} ms | |
| ratio runtime / bare (median of ${t.rounds.length} interleaved rounds) | **${t.ratio}** | ≥ 1.0, never < 0.6 |
| cost of request logging to file (runtime without it: ${r.logging.unloggedRps} req/s) | ${r.logging.costPercent} % | ≤ 15 % |
| save-to-new-answer reload, ${r.reload.edits} edits | p50 ${r.reload.p50} ms, p95 ${r.reload.p95} ms | p50 ≤ 100, p95 ≤ 250 |
| failed requests during ${r.reloadUnderLoad.reloads} reloads under load | ${r.reloadUnderLoad.failed} of ${r.reloadUnderLoad.requests} | 0 |
| RSS after ${r.memory.reloads} reloads vs after 10 | ${r.memory.rssAfterManyMb} MB vs ${r.memory.rssAfter10Mb} MB (${r.memory.growthMb >= 0 ? '+' : ''}${r.memory.growthMb} MB) | ≤ 30 MB growth |
| fast endpoint p99 while a call blocks its worker 2 s | ${r.blocked.p99} ms (${r.blocked.errors} errors) | ≤ 50 ms |

Machine: ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGb} GB, Node ${r.machine.node}; load generator on the same cores.${r.quick ? ' (quick run)' : ''}
`;
}
