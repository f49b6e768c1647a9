/**
 * One benchmarked Fastify 5 or Hono 4 (on @hono/node-server) app, run as its own process by run.mjs, the way
 * app.mjs runs the Express ones: `node app-fastify-hono.mjs <variant>` with BENCH_APP_CONFIG.
 *
 * Variants: fastify-bare | fastify-threads | fastify-passport | hono-bare | hono-threads. Each serves the hot
 * route `GET /hello` → 'hello' and `GET /whoami`; fastify-passport also `GET /login` (`request.logIn`).
 * fastify-passport is what Fastify apps run today: @fastify/cookie + @fastify/session (its MemoryStore) +
 * @fastify/passport, the user id serialized into the session and the user deserialized on every request.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyPassport from '@fastify/passport';
import fastifySession from '@fastify/session';
import { getRequestListener } from '@hono/node-server';
import { threadsAuth as fastifyThreadsAuth } from '@threads-auth/fastify';
import { threadsAuth as honoThreadsAuth } from '@threads-auth/hono';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { announceReady, serveParent } from './lib/serve-parent.mjs';

const VARIANTS = ['fastify-bare', 'fastify-threads', 'fastify-passport', 'hono-bare', 'hono-threads'];
const variant = process.argv[2];
if (!VARIANTS.includes(variant)) throw new Error(`app-fastify-hono.mjs: variant must be one of ${VARIANTS.join(', ')}; got ${variant}`);
const config = JSON.parse(process.env.BENCH_APP_CONFIG ?? '{}');

let clockOffsetMs = 0;
const now = () => Date.now() + clockOffsetMs;

const server = createServer({ keepAlive: true });
let connections = 0;
server.on('connection', () => {
  connections++;
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const threadsOptions = {
  clientId: config.fake.clientId,
  clientSecret: config.fake.clientSecret,
  redirectUri: `${origin}/auth/threads/callback`,
  secret: config.secret,
  authorizationUrl: config.fake.authorizationUrl,
  graphUrl: config.fake.url,
  now,
  onError: (error) => process.stderr.write(`[${variant}] threads-auth: ${error.message}\n`),
};
/** A fingerprint, not the token: enough for run.mjs to see which requests got a refreshed one. */
const tokenId = (token) => (token === undefined ? null : createHash('sha256').update(token.accessToken).digest('hex').slice(0, 12));

let close = async () => {};
if (variant.startsWith('fastify-')) {
  let handler;
  const app = Fastify({
    serverFactory: (h) => {
      handler = h;
      return createServer(h);
    },
  });
  if (variant === 'fastify-threads') await app.register(fastifyThreadsAuth, threadsOptions);
  if (variant === 'fastify-passport') {
    const users = new Map([[config.user.id, config.user]]);
    await app.register(fastifyCookie);
    await app.register(fastifySession, { secret: config.secret, saveUninitialized: false, cookie: { secure: false, httpOnly: true, sameSite: 'lax' } });
    await app.register(fastifyPassport.initialize());
    await app.register(fastifyPassport.secureSession());
    fastifyPassport.registerUserSerializer(async (user) => user.id);
    fastifyPassport.registerUserDeserializer(async (id) => users.get(id) ?? null);
    app.get('/login', async (request) => {
      await request.logIn(config.user);
      return 'signed in';
    });
  }
  app.get('/hello', (_request, reply) => {
    reply.send('hello');
  });
  app.get('/whoami', (request) => ({ user: request.threadsToken?.userId ?? request.user?.id ?? null, tokenId: tokenId(request.threadsToken) }));
  await app.ready();
  server.on('request', handler);
  close = () => app.close();
} else {
  const app = new Hono();
  if (variant === 'hono-threads') app.use(honoThreadsAuth(threadsOptions));
  app.get('/hello', (c) => c.text('hello'));
  app.get('/whoami', (c) => c.json({ user: c.get('threadsToken')?.userId ?? null, tokenId: tokenId(c.get('threadsToken')) }));
  server.on('request', getRequestListener(app.fetch));
}

serveParent(
  {
    connections: () => connections,
    clock: ({ offsetMs }) => {
      clockOffsetMs = offsetMs;
      return { now: now() };
    },
  },
  async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await close();
  },
);
announceReady({ origin, variant });
