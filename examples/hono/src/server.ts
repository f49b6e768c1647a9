/**
 * Sign in with Threads in a Hono app on Node. Without THREADS_APP_ID / THREADS_APP_SECRET / THREADS_REDIRECT_URI it
 * starts a local fake of Threads so the flow can be clicked through on this machine; THREADS_AUTHORIZATION_URL and
 * THREADS_GRAPH_URL point a configured app at another Threads (the example's test points them at its own fake).
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { requireThreadsToken, threadsAuth } from '@threads-auth/hono';
import { startFakeThreads } from '@threads-auth/testing';
import { Hono } from 'hono';

const port = Number(process.env.PORT ?? 3002);
const { THREADS_APP_ID, THREADS_APP_SECRET, THREADS_REDIRECT_URI, THREADS_AUTHORIZATION_URL, THREADS_GRAPH_URL } = process.env;

const settings =
  THREADS_APP_ID && THREADS_APP_SECRET && THREADS_REDIRECT_URI
    ? {
        clientId: THREADS_APP_ID,
        clientSecret: THREADS_APP_SECRET,
        redirectUri: THREADS_REDIRECT_URI,
        ...(THREADS_AUTHORIZATION_URL ? { authorizationUrl: THREADS_AUTHORIZATION_URL } : {}),
        ...(THREADS_GRAPH_URL ? { graphUrl: THREADS_GRAPH_URL } : {}),
      }
    : await startFakeThreads().then((fake) => ({
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        redirectUri: `http://127.0.0.1:${port}/auth/threads/callback`,
        authorizationUrl: fake.authorizationUrl,
        graphUrl: fake.url,
      }));

const app = new Hono();
app.use(threadsAuth({ ...settings, secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url') }));

app.get('/api/me', requireThreadsToken(), (c) => {
  const { userId, scopes, expiresAt } = c.get('threadsToken')!;
  return c.json({ userId, scopes, expiresAt });
});
app.get('/', (c) => {
  const token = c.get('threadsToken');
  return c.html(
    token
      ? `<p>Signed in as <code>${token.userId}</code> until ${token.expiresAt.toISOString()}.</p><form method="post" action="/auth/threads/logout"><button>Sign out</button></form>`
      : '<p><a href="/auth/threads/login">Sign in with Threads</a></p>',
  );
});

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`threads-auth Hono demo: http://127.0.0.1:${port}/`));
