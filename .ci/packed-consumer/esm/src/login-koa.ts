/** ESM consumer, Koa 3: mount the packed adapter on port 0 against the packed fake, sign in, see the token. */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { requireThreadsToken, threadsAuth } from '@threads-auth/koa';
import { startFakeThreads } from '@threads-auth/testing';
import Koa from 'koa';
import { assertSignedIn, signIn } from './sign-in.js';

const fake = await startFakeThreads();
const app = new Koa();
// Koa composes its middleware when callback() is called, so the server answers 503 until the app is complete.
let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
  res.writeHead(503).end();
};
const server = createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
try {
  app.use(
    threadsAuth({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: `${origin}/auth/threads/callback`,
      authorizationUrl: fake.authorizationUrl,
      graphUrl: fake.url,
      secret: randomBytes(32).toString('base64url'),
    }),
  );
  const signedIn = requireThreadsToken();
  app.use(async (ctx, next) => {
    if (ctx.path !== '/me') return next();
    await signedIn(ctx, async () => {
      // ctx.state.threadsToken is typed by the adapter's augmentation of Koa's DefaultState.
      const token = ctx.state.threadsToken!;
      ctx.body = { userId: token.userId, accessToken: token.accessToken };
    });
  });
  handle = app.callback();
  const me = await signIn(origin, fake);
  assertSignedIn(me);
  const { version } = createRequire(import.meta.url)('koa/package.json') as { version: string };
  console.log(`esm, koa@${version}: signed in as ${me.userId}, token on ctx.state.threadsToken`);
} finally {
  server.close();
  await fake.close();
}
