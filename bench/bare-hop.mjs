// The design's floor: bare `node:http` with the runtime's one structural cost, a hop to a worker
// thread and back, and nothing else (no auth store, validation, log or metrics). The HTTP thread
// reads the body and sends it to a worker; calls of one event-loop turn go as one message, and
// the worker's answers of one microtask drain come back as one message, as in the runtime.
// Started by bench/run.mjs.
import http from 'node:http';
import { Worker } from 'node:worker_threads';

const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const TOKENS = new Set(['bench-token']);
   let answers = [];
   const flush = () => { parentPort.postMessage(answers); answers = []; };
   parentPort.on('message', (calls) => {
     for (const [id, url, text] of calls) {
       let request;
       try { request = JSON.parse(text); } catch {}
       if (url !== '/template/sync_hello' || !TOKENS.has(request?.token)) {
         answers.push([id, 401, JSON.stringify({ success: false, error: 'Invalid token', code: 'INVALID_TOKEN', endpoint: url })]);
         continue;
       }
       const name = request.body?.name ?? 'World';
       answers.push([id, 200, JSON.stringify({ success: true, data: { message: 'Hello, ' + name + '!', timestamp: Date.now(), type: 'synchronous' }, endpoint: url })]);
     }
     queueMicrotask(flush);
   });`,
  { eval: true },
);

const waiting = new Map();
let nextId = 0;
let outbox = [];
const flush = () => {
  worker.postMessage(outbox);
  outbox = [];
};
worker.on('message', (answers) => {
  for (const [id, status, body] of answers) {
    const res = waiting.get(id);
    waiting.delete(id);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
});

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const id = nextId++;
    waiting.set(id, res);
    if (outbox.length === 0) setImmediate(flush);
    outbox.push([id, req.url, Buffer.concat(chunks).toString('utf8')]);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => worker.terminate().then(() => process.exit(0))));
