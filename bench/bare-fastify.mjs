// A baseline: a bare Fastify 5 route doing the same token check and reply as the runtime's
// POST /template/sync_hello, with Fastify's defaults (no logger). Started by bench/run.mjs.
import Fastify from 'fastify';

const TOKENS = new Set(['bench-token']);
const app = Fastify({ logger: false });
app.post('/template/sync_hello', async (request, reply) => {
  const token = request.body?.token;
  if (!TOKENS.has(token)) {
    reply.code(401);
    return { success: false, error: 'Invalid token', code: 'INVALID_TOKEN', endpoint: request.url };
  }
  const name = request.body.body?.name ?? 'World';
  return {
    success: true,
    data: { message: `Hello, ${name}!`, timestamp: Date.now(), type: 'synchronous' },
    endpoint: '/template/sync_hello',
  };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
