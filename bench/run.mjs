// `npm run bench`: the runtime's figures, written to bench/results/latest.json and .md.
// One run, no assertions: see issue 4 for the targets. Everything runs on this machine, on
// loopback, with the load generator (autocannon) sharing the cores with the servers.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token';
const ADMIN = 'bench-admin';
const BODY = JSON.stringify({ token: TOKEN, body: { name: 'Ada' } });
const quick = process.argv.includes('--quick'); // a short run, to check the bench itself
const ROUND_SECONDS = quick ? 2 : 3;
const ROUNDS = quick ? 2 : 10;
const EDITS = quick ? 10 : 50;
const RELOADS_UNDER_LOAD = 20;
const MANY_RELOADS = quick ? 100 : 1000;

const results = { machine: machine(), date: new Date().toISOString(), quick };

const workspace = await makeWorkspace({ enableRequestLogging: true, logToFile: true });
// For the throughput rounds (not the workspace whose file the reload measures edit), and the
// same runtime with request logging off, to measure what logging costs.
const loggedWorkspace = await makeWorkspace({ enableRequestLogging: true, logToFile: true });
const quietWorkspace = await makeWorkspace({ enableRequestLogging: false, logToFile: false });
const startRuntime = (dir, more = []) =>
  startProcess(
    process.execPath,
    [path.join(ROOT, 'out/server/cli.js'), '--config', path.join(dir, 'config.json'), '--quiet', ...more],
    /at (http:\S+)/,
  );
/** A bare server of bench/ (Express, Fastify, node:http) doing what the runtime's endpoint does. */
const startBare = (file) => async () => {
  const bare = await startProcess(process.execPath, [path.join(ROOT, 'bench', file)], /listening (\d+)/);
  return { ...bare, match: `http://127.0.0.1:${bare.match}` };
};
/**
 * The servers compared for throughput. Every round starts a fresh process of each, so no
 * figure rests on one process's luck (where its threads landed, what the JIT made of its
 * warm-up), and `control`, a second runtime without request logs, shows how far two identical
 * servers measured the same way still differ: the noise any cost below is to be read against.
 */
const CONTENDERS = {
  runtime: () => startRuntime(loggedWorkspace),
  unlogged: () => startRuntime(quietWorkspace),
  control: () => startRuntime(quietWorkspace),
  // Cluster mode (issue 19): the logged runtime in two processes sharing the port.
  cluster: () => startRuntime(loggedWorkspace, ['--processes', '2']),
  bare: startBare('bare-express.mjs'),
  fastify: startBare('bare-fastify.mjs'),
  node: startBare('bare-node.mjs'),
  // The design's floor: node:http plus the hop to a worker and back, nothing else.
  hop: startBare('bare-hop.mjs'),
};
// `--against=<another build's out/server/cli.js>`: that build beside this one, in the same rounds
// (with --only=runtime,against: an A/B of two commits on the same minutes of the machine).
const against = process.argv.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
if (against) {
  CONTENDERS.against = () =>
    startProcess(
      process.execPath,
      [path.resolve(against), '--config', path.join(loggedWorkspace, 'config.json'), '--quiet'],
      /at (http:\S+)/,
    );
}

// A replica sharing its tokens and failed attempts through Redis (issue 19), beside the same
// runtime alone: what shared state costs a call. Only where redis-server is installed.
const redis = await startRedis();
if (redis) {
  const replicaWorkspace = await makeWorkspace(
    { enableRequestLogging: true, logToFile: true },
    { redis: { url: redis.url } },
  );
  CONTENDERS.replica = () => startRuntime(replicaWorkspace);
} else {
  console.log('redis-server is not installed: no replica in the rounds');
}

// `--only a,b`: throughput rounds of those servers alone, printed, nothing written: for A/B runs.
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
if (only) {
  for (const name of Object.keys(CONTENDERS)) if (!only.split(',').includes(name)) delete CONTENDERS[name];
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await throughputRound(round));
  for (const name of Object.keys(CONTENDERS)) {
    const of = (key) => median(rounds.map((r) => r[name][key]));
    console.log(
      `${name}: ${of('rps')} req/s, p99 ${of('p99')} ms, ${of('cpuUsPerRequest')} µs CPU and ${of('sleepsPerRequest')} thread sleeps per request`,
    );
  }
  redis?.child.kill('SIGTERM');
  process.exit(0);
}

// The server the reload, memory and blocking measures use (its own workspace, files edited).
let runtime;
let runtimeUrl;
try {
  console.log(
    `${ROUNDS} rounds: each server started fresh and loaded alone for ${ROUND_SECONDS}s, in rotated order`,
  );

  // 1. Throughput and latency, and what request logging costs.
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await throughputRound(round));
  const of = (name, key) => median(rounds.map((r) => r[name][key]));
  const figures = (name) => ({
    rps: of(name, 'rps'),
    p50: of(name, 'p50'),
    p99: of(name, 'p99'),
    cpuUsPerRequest: of(name, 'cpuUsPerRequest'),
    sleepsPerRequest: of(name, 'sleepsPerRequest'),
    errors: sum(rounds.map((r) => r[name].errors)),
  });
  // Each figure below is the median of per-round ratios: servers measured in the same round
  // saw the same machine, so a slower minute of the machine cancels out.
  const ratio = (a, b) => median(rounds.map((r) => r[a].rps / r[b].rps));
  results.throughput = {
    runtime: figures('runtime'),
    bare: figures('bare'),
    fastify: figures('fastify'),
    node: figures('node'),
    hop: figures('hop'),
    ratio: round2(ratio('runtime', 'bare')),
    ratioToFastify: round2(ratio('runtime', 'fastify')),
    ratioToNode: round2(ratio('runtime', 'node')),
    // The design's floor (node:http plus the worker hop) against Fastify: what the hop alone costs.
    hopToFastify: round2(ratio('hop', 'fastify')),
    // CPU per request of the runtime against Fastify's, per round, the median.
    cpuToFastify: round2(median(rounds.map((r) => r.runtime.cpuUsPerRequest / r.fastify.cpuUsPerRequest))),
    rounds,
  };
  console.log(
    `runtime / Fastify ${results.throughput.ratioToFastify}, / node:http ${results.throughput.ratioToNode}, / Express ${results.throughput.ratio}; CPU per request ${results.throughput.cpuToFastify}× Fastify's`,
  );
  results.cluster = {
    processes: 2,
    rps: of('cluster', 'rps'),
    ratioToOne: round2(ratio('cluster', 'runtime')),
  };
  console.log(`cluster: 2 processes ${results.cluster.ratioToOne}× one`);
  if (redis) {
    results.redis = {
      replicaRps: of('replica', 'rps'),
      costPercent: round2((1 - ratio('replica', 'runtime')) * 100),
    };
    console.log(
      `a replica sharing its state through Redis costs ${results.redis.costPercent}% of the throughput`,
    );
  }
  results.logging = {
    unloggedRps: of('unlogged', 'rps'),
    loggedRps: of('runtime', 'rps'),
    costPercent: round2((1 - ratio('runtime', 'unlogged')) * 100),
    // Two identical servers: what the cost above cannot be told apart from.
    noisePercent: round2(Math.abs(1 - ratio('control', 'unlogged')) * 100),
  };
  console.log(
    `request logging costs ${results.logging.costPercent}% (two identical servers differ by ${results.logging.noisePercent}%)`,
  );

  // The server the measures below use, started now: not running beside the rounds above.
  runtime = await startRuntime(workspace);
  runtimeUrl = runtime.match;

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
  runtime?.child.kill('SIGTERM');
  redis?.child.kill('SIGTERM');
}

await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
const table = markdown(results);
await writeFile(path.join(ROOT, 'bench/results/latest.md'), table);
console.log(`\n${table}`);

// ---------------------------------------------------------------------------------------------

/**
 * One round: each server in turn, starting at a rotating one: started fresh, warmed up, loaded,
 * stopped. One at a time, as an idle server is not quiet (its workers' heartbeats, timers):
 * with all four running, the one loaded measured up to 20% slower, depending on its neighbours.
 */
async function throughputRound(round) {
  const names = Object.keys(CONTENDERS);
  const measured = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length];
    const server = await CONTENDERS[name]();
    try {
      await load(server.match, 1); // warm-up
      const cpuBefore = cpuSeconds(server.child.pid);
      const sleepsBefore = threadSleeps(server.child.pid);
      measured[name] = await load(server.match, ROUND_SECONDS);
      const cpu = cpuSeconds(server.child.pid) - cpuBefore;
      const requests = Math.max(1, measured[name].requests);
      measured[name].cpuUsPerRequest = Math.round((cpu * 1e6) / requests);
      measured[name].sleepsPerRequest = round2((threadSleeps(server.child.pid) - sleepsBefore) / requests);
    } finally {
      await stop(server.child);
    }
  }
  console.log(
    `round ${round + 1}: ${names.map((name) => `${name} ${measured[name].rps} req/s p99 ${measured[name].p99} ms`).join(' | ')}`,
  );
  return measured;
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

async function makeWorkspace(logging, more = {}) {
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
    ...more,
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

/**
 * CPU time (user + system) of a server process, every thread included (the runtime's workers
 * are threads of it), in seconds, from /proc: clock ticks of 1/100 s on Linux.
 */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) of the whole line.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * How many times the server's threads went to sleep waiting (voluntary context switches, every
 * thread): a thread woken per request costs a futex or an eventfd and a switch each way, kernel
 * time the V8 profiles do not show.
 */
function threadSleeps(pid) {
  let sleeps = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      sleeps += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)[1]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return sleeps;
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
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** A redis-server of the bench's own on a free port, keeping nothing on disk; undefined if none is installed. */
async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) return undefined;
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const started = await startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /(Ready) to accept connections/,
  );
  return { child: started.child, url: `redis://127.0.0.1:${port}` };
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

/** The table's row for the Redis replica, when the bench had one. */
function redisRow(r) {
  if (!r.redis) return '';
  return `\n| cost of a replica's Redis-backed tokens and attempts (replica: ${r.redis.replicaRps} req/s) | ${r.redis.costPercent} % | ≤ 5 % |`;
}

function markdown(r) {
  const t = r.throughput;
  return `| measure | result | target |
|---|---|---|
| throughput, runtime (POST /template/sync_hello, auth + validation + worker + request log) | ${t.runtime.rps} req/s, p50 ${t.runtime.p50} ms, p99 ${t.runtime.p99} ms | |
| throughput, bare Fastify 5 route | ${t.fastify.rps} req/s, p50 ${t.fastify.p50} ms, p99 ${t.fastify.p99} ms | |
| throughput, bare node:http | ${t.node.rps} req/s, p50 ${t.node.p50} ms, p99 ${t.node.p99} ms | |
| throughput, node:http + the hop to a worker and back, nothing else (the design's floor) | ${t.hop.rps} req/s, p50 ${t.hop.p50} ms, p99 ${t.hop.p99} ms, ${t.hop.cpuUsPerRequest} µs CPU per request; **${t.hopToFastify}× Fastify** | |
| throughput, bare Express 5 route | ${t.bare.rps} req/s, p50 ${t.bare.p50} ms, p99 ${t.bare.p99} ms | |
| ratio runtime / Fastify (median of ${t.rounds.length} rounds' ratios) | **${t.ratioToFastify}** | ≥ 0.8 |
| ratio runtime / node:http | ${t.ratioToNode} | |
| ratio runtime / Express | ${t.ratio} | ≥ 1.0, never < 0.6 |
| CPU per request: runtime, Fastify, node:http, Express (µs, whole process) | ${t.runtime.cpuUsPerRequest}, ${t.fastify.cpuUsPerRequest}, ${t.node.cpuUsPerRequest}, ${t.bare.cpuUsPerRequest}; runtime / Fastify **${t.cpuToFastify}** | ≤ 2 |
| thread sleeps per request: runtime, Fastify, node:http, Express (voluntary context switches, every thread) | ${t.runtime.sleepsPerRequest}, ${t.fastify.sleepsPerRequest}, ${t.node.sleepsPerRequest}, ${t.bare.sleepsPerRequest} | |
| p99, runtime against Fastify | ${t.runtime.p99} ms vs ${t.fastify.p99} ms | ≤ Fastify's + 5 ms |
| cost of request logging to file (runtime without it: ${r.logging.unloggedRps} req/s) | ${r.logging.costPercent} % (two identical servers: ${r.logging.noisePercent} %) | ≤ 15 % |${redisRow(r)}
| cluster mode: 2 processes against 1, both logging (the load generator shares the same cores) | ${r.cluster.rps} req/s, **${r.cluster.ratioToOne}×** | |
| save-to-new-answer reload, ${r.reload.edits} edits | p50 ${r.reload.p50} ms, p95 ${r.reload.p95} ms | p50 ≤ 60, p95 ≤ 250 |
| failed requests during ${r.reloadUnderLoad.reloads} reloads under load | ${r.reloadUnderLoad.failed} of ${r.reloadUnderLoad.requests} | 0 |
| RSS after ${r.memory.reloads} reloads vs after 10 | ${r.memory.rssAfterManyMb} MB vs ${r.memory.rssAfter10Mb} MB (${r.memory.growthMb >= 0 ? '+' : ''}${r.memory.growthMb} MB) | ≤ 30 MB growth |
| fast endpoint p99 while a call blocks its worker 2 s | ${r.blocked.p99} ms (${r.blocked.errors} errors) | ≤ 50 ms |

Machine: ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGb} GB, Node ${r.machine.node}; load generator on the same cores.${r.quick ? ' (quick run)' : ''}
`;
}
