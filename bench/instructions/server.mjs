// The app measured by instructions.mjs: bare Express, Fastify or Hono, or each with threadsAuth and a real sealed
// session (logged in through core's own handle(), upstream answered by a stub fetch), or Fastify with
// @fastify/session + @fastify/passport and a real login. Serves `total` requests, then exits.
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyPassport from '@fastify/passport';
import fastifySession from '@fastify/session';
import { getRequestListener } from '@hono/node-server';
import { createThreadsAuth, threadsAuth } from '@threads-auth/express';
import { threadsAuth as fastifyThreadsAuth } from '@threads-auth/fastify';
import { threadsAuth as honoThreadsAuth } from '@threads-auth/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

const [variant, total, readyFile] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const json = (body) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const fetch = async (input) => {
  const { pathname } = new URL(String(input));
  if (pathname === '/oauth/access_token') return json('{"access_token":"THshortlivedtoken0123456789","user_id":17841405793187219}');
  if (pathname === '/access_token') return json({ access_token: `TH${'L'.repeat(180)}`, token_type: 'bearer', expires_in: 5183944 });
  return json({ data: { is_valid: true, user_id: '17841405793187219', scopes: ['threads_basic', 'threads_content_publish'] } });
};
const auth = createThreadsAuth({ clientId: '1', clientSecret: 's', redirectUri: 'http://127.0.0.1:1/auth/threads/callback', secret: 'x'.repeat(32), fetch });
const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
const state = new URL(start.location).searchParams.get('state');
const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c&state=${state}`, headers: { cookie: `${start.cookies[0].name}=${start.cookies[0].value}` } });
const session = done.cookies.find((c) => c.maxAge > 0);

let served = 0;
let cookie = `${session.name}=${session.value}`;
let server;
switch (variant) {
  case 'bare':
  case 'threads': {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    if (variant === 'threads') app.use(threadsAuth(auth));
    app.get('/hello', (_req, res) => res.send('hello'));
    server = createServer(app);
    break;
  }
  case 'fastify-bare':
  case 'fastify-noop':
  case 'fastify-threads':
  case 'fastify-passport': {
    let handler;
    const app = Fastify({
      serverFactory: (h) => {
        handler = h;
        return createServer(h);
      },
    });
    if (variant === 'fastify-threads') await app.register(fastifyThreadsAuth, auth);
    // The floor of any onRequest hook: Fastify runs its hook chain, the hook does nothing.
    if (variant === 'fastify-noop') app.addHook('onRequest', (_request, _reply, done) => done());
    if (variant === 'fastify-passport') {
      const user = { id: '17841405793187219', username: 'threads_tester' };
      await app.register(fastifyCookie);
      await app.register(fastifySession, { secret: 'x'.repeat(32), saveUninitialized: false, cookie: { secure: false, httpOnly: true, sameSite: 'lax' } });
      await app.register(fastifyPassport.initialize());
      await app.register(fastifyPassport.secureSession());
      fastifyPassport.registerUserSerializer(async (u) => u.id);
      fastifyPassport.registerUserDeserializer(async (id) => (id === user.id ? user : null));
      app.get('/login', async (request) => {
        await request.logIn(user);
        return 'signed in';
      });
    }
    app.get('/hello', (_request, reply) => {
      reply.send('hello');
    });
    await app.ready();
    if (variant === 'fastify-passport') {
      const login = await app.inject({ url: '/login' });
      cookie = String(login.headers['set-cookie']).split(';')[0];
    }
    server = app.server;
    server.removeAllListeners('request');
    server.on('request', handler);
    break;
  }
  case 'hono-bare':
  case 'hono-noop':
  case 'hono-threads': {
    const app = new Hono();
    if (variant === 'hono-threads') app.use(honoThreadsAuth(auth));
    // The floor of any middleware: Hono composes instead of calling the lone handler, the middleware awaits next().
    if (variant === 'hono-noop') app.use(async (_c, next) => next());
    app.get('/hello', (c) => c.text('hello'));
    server = createServer(getRequestListener(app.fetch));
    break;
  }
  default:
    throw new Error(`instructions/server.mjs: unknown variant ${variant}`);
}
server.listen(0, '127.0.0.1', () => {
  // Every variant receives the same Cookie header: a logged-in browser's, with an analytics cookie beside ours
  // (the passport variant's own session cookie in place of ours). Written aside, then renamed: the driver never
  // reads a half-written file.
  writeFileSync(`${readyFile}.tmp`, JSON.stringify({ port: server.address().port, cookie: `_ga=GA1.1.1234567890.1700000000; ${cookie}` }));
  renameSync(`${readyFile}.tmp`, readyFile);
});
server.on('request', (_req, res) =>
  res.on('finish', () => {
    if (++served >= total) setImmediate(() => process.exit(0));
  }),
);
