/**
 * Sign in with Threads in a Koa app. Without THREADS_APP_ID / THREADS_APP_SECRET / THREADS_REDIRECT_URI it
 * starts a local fake of Threads so the flow can be clicked through on this machine.
 */
import { randomBytes } from 'node:crypto';
import { requireThreadsToken, threadsAuth } from '@threads-auth/koa';
import { startFakeThreads } from '@threads-auth/testing';
import Koa from 'koa';

const port = Number(process.env.PORT ?? 3001);
const { THREADS_APP_ID, THREADS_APP_SECRET, THREADS_REDIRECT_URI } = process.env;

const settings =
  THREADS_APP_ID && THREADS_APP_SECRET && THREADS_REDIRECT_URI
    ? { clientId: THREADS_APP_ID, clientSecret: THREADS_APP_SECRET, redirectUri: THREADS_REDIRECT_URI }
    : await startFakeThreads().then((fake) => ({
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        redirectUri: `http://127.0.0.1:${port}/auth/threads/callback`,
        authorizationUrl: fake.authorizationUrl,
        graphUrl: fake.url,
      }));

const app = new Koa();
app.use(threadsAuth({ ...settings, secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url') }));

const protectedApi = requireThreadsToken((ctx) => {
  const { userId, scopes, expiresAt } = ctx.state.threadsToken; // present: the guard ran
  ctx.body = { userId, scopes, expiresAt };
});
app.use(async (ctx, next) => {
  if (ctx.path === '/api/me') return protectedApi(ctx, next);
  await next();
});
app.use((ctx) => {
  const token = ctx.state.threadsToken;
  ctx.type = 'html';
  ctx.body = token
    ? `<p>Signed in as <code>${token.userId}</code> until ${token.expiresAt.toISOString()}.</p><form method="post" action="/auth/threads/logout"><button>Sign out</button></form>`
    : '<p><a href="/auth/threads/login">Sign in with Threads</a></p>';
});

app.listen(port, '127.0.0.1', () => console.log(`threads-auth Koa demo: http://127.0.0.1:${port}/`));
