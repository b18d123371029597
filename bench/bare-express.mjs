// The baseline: a bare Express 5 route doing the same token check and reply as the runtime's
// POST /template/sync_hello, with Express's defaults. Started by bench/run.mjs in its own process.
import express from 'express';

const TOKENS = new Set(['bench-token']);
const app = express();
app.post('/template/sync_hello', express.json(), (req, res) => {
  const token = req.body?.token;
  if (!TOKENS.has(token)) {
    res
      .status(401)
      .json({ success: false, error: 'Invalid token', code: 'INVALID_TOKEN', endpoint: req.path });
    return;
  }
  const name = req.body.body?.name ?? 'World';
  res.json({
    success: true,
    data: { message: `Hello, ${name}!`, timestamp: Date.now(), type: 'synchronous' },
    endpoint: '/template/sync_hello',
  });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
