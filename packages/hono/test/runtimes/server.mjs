// A Hono app with threadsAuth, and the plain Web-standard handler beside it, served by the runtime's own server:
// `bun server.mjs` (Bun.serve) or `deno run --allow-net --allow-env --allow-read server.mjs` (Deno.serve). Reads
// the fake Threads server's URLs and credentials from FAKE_THREADS (JSON) and prints `{"port":…}` once listening.
// Imports the built package (dist), as an app installing it from npm would.
import { Hono } from 'hono';
import { createThreadsAuthHandler, requireThreadsToken, threadsAuth } from '../../dist/index.js';

const fake = JSON.parse(globalThis.Deno ? Deno.env.get('FAKE_THREADS') : process.env.FAKE_THREADS);
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : `bun ${Bun.version}`;

function optionsFor(port, basePath) {
  return {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: `http://127.0.0.1:${port}${basePath}/callback`,
    basePath,
    secret: 'a-session-secret-of-at-least-32-characters',
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.graphUrl,
    successRedirect: '/me',
    scopes: ['threads_basic', 'threads_content_publish'],
  };
}

function appFor(port) {
  const hono = new Hono();
  hono.use(threadsAuth(optionsFor(port, '/auth/threads')));
  hono.get('/me', (c) => c.json({ runtime, userId: c.get('threadsToken')?.userId ?? null }));
  hono.get('/publish', requireThreadsToken({ scopes: ['threads_content_publish'] }), (c) => c.text('published'));
  // The Web-standard entry alone, on its own base path: what a Bun.serve or Deno.serve app without Hono mounts.
  const web = createThreadsAuthHandler(optionsFor(port, '/web/auth'));
  return async (request) => {
    if (new URL(request.url).pathname.startsWith('/web/')) {
      const answered = await web.handler(request);
      if (answered !== undefined) return answered;
      const { token, setCookie } = await web.getThreadsToken(request);
      const response = Response.json({ runtime, userId: token?.userId ?? null });
      for (const line of setCookie) response.headers.append('set-cookie', line);
      return response;
    }
    return hono.fetch(request);
  };
}

let fetchHandler = () => new Response('starting', { status: 503 });
const serve = (request) => fetchHandler(request);
if (globalThis.Deno) {
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, serve);
  fetchHandler = appFor(server.addr.port);
  console.log(JSON.stringify({ port: server.addr.port, runtime }));
} else {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: serve });
  fetchHandler = appFor(server.port);
  console.log(JSON.stringify({ port: server.port, runtime }));
}
