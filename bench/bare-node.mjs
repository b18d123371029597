// The floor: bare `node:http` doing the same token check and reply as the runtime's
// POST /template/sync_hello (body read, JSON.parse, JSON.stringify). Started by bench/run.mjs.
import http from 'node:http';

const TOKENS = new Set(['bench-token']);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      request = undefined;
    }
    const send = (status, value) => {
      const body = JSON.stringify(value);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    };
    if (req.method !== 'POST' || req.url !== '/template/sync_hello' || !TOKENS.has(request?.token)) {
      send(401, { success: false, error: 'Invalid token', code: 'INVALID_TOKEN', endpoint: req.url });
      return;
    }
    const name = request.body?.name ?? 'World';
    send(200, {
      success: true,
      data: { message: `Hello, ${name}!`, timestamp: Date.now(), type: 'synchronous' },
      endpoint: '/template/sync_hello',
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
