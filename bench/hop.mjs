// `node bench/hop.mjs`: what a call's hop to a worker thread costs, alone: a call message like
// the runtime's sent to a worker that answers at once, (1) one at a time, the worker asleep
// between calls, as when a plain call had its worker to itself, and (2) many in flight, the
// worker kept fed. CPU is the whole process's (both threads), per round trip.
import { Worker } from 'node:worker_threads';

const N = 100_000;
const CALL = (id) => [id, '/template/sync_hello', { name: 'Ada' }, undefined, undefined];
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (m) => parentPort.postMessage([m[0], true, '{"message":"Hello, Ada!"}']));`,
  { eval: true },
);

async function measure(label, run) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${Math.round(N / seconds)} round trips/s, ${((used.user + used.system) / N).toFixed(1)} µs CPU each`,
  );
}

await measure('one in flight (the worker sleeps between calls)', () => {
  let answered = 0;
  return new Promise((resolve) => {
    worker.on('message', () => {
      if (++answered === N) resolve();
      else worker.postMessage(CALL(answered));
    });
    worker.postMessage(CALL(0));
  });
});
worker.removeAllListeners('message');
await measure('all in flight (the worker kept fed)', () => {
  let answered = 0;
  return new Promise((resolve) => {
    worker.on('message', () => {
      if (++answered === N) resolve();
    });
    for (let id = 0; id < N; id++) worker.postMessage(CALL(id));
  });
});
await worker.terminate();
