/**
 * Sign in with Threads in an Express app.
 *
 * With THREADS_APP_ID, THREADS_APP_SECRET and THREADS_REDIRECT_URI set, it talks to Meta. Without them it
 * starts a local fake of Threads (from @threads-auth/testing), so the whole flow can be clicked through
 * on this machine.
 */
import { randomBytes } from 'node:crypto';
import { requireThreadsToken, threadsAuth, type ThreadsAuthOptions } from '@threads-auth/express';
import { startFakeThreads } from '@threads-auth/testing';
import express from 'express';

const port = Number(process.env.PORT ?? 3000);
const { THREADS_APP_ID, THREADS_APP_SECRET, THREADS_REDIRECT_URI } = process.env;

async function threadsSettings(): Promise<Pick<ThreadsAuthOptions, 'clientId' | 'clientSecret' | 'redirectUri' | 'authorizationUrl' | 'graphUrl'>> {
  if (THREADS_APP_ID && THREADS_APP_SECRET && THREADS_REDIRECT_URI) {
    return { clientId: THREADS_APP_ID, clientSecret: THREADS_APP_SECRET, redirectUri: THREADS_REDIRECT_URI };
  }
  const fake = await startFakeThreads();
  console.log(`No THREADS_APP_ID set: using a local fake Threads at ${fake.url}`);
  return {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: `http://127.0.0.1:${port}/auth/threads/callback`,
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.url,
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>threads-auth demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{background:#f3f3f3;padding:.1rem .3rem}button,a.button{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:1px solid #111;background:#111;color:#fff;text-decoration:none;cursor:pointer}</style>
</head><body>${body}</body></html>`;

const app = express();
app.use(
  threadsAuth({
    ...(await threadsSettings()),
    // Sessions survive restarts only with a fixed secret; a random one is fine for a demo.
    secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    scopes: ['threads_basic', 'threads_content_publish'],
  }),
);

app.get('/', (req, res) => {
  const token = req.threadsToken;
  if (token === undefined) {
    res.send(page('<h1>threads-auth demo</h1><p>You are not signed in.</p><p><a class="button" href="/auth/threads/login">Sign in with Threads</a></p>'));
    return;
  }
  const masked = `${token.accessToken.slice(0, 6)}…${token.accessToken.slice(-4)} (${token.accessToken.length} characters)`;
  res.send(
    page(`<h1>Signed in with Threads</h1>
<dl><dt>User id</dt><dd><code>${escapeHtml(token.userId)}</code></dd>
<dt>Access token</dt><dd><code>${escapeHtml(masked)}</code></dd>
<dt>Granted scopes</dt><dd>${token.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</dd>
<dt>Expires</dt><dd>${token.expiresAt.toISOString()}</dd></dl>
<p><a href="/api/me">/api/me</a> (JSON, behind <code>requireThreadsToken()</code>)</p>
<form method="post" action="/auth/threads/logout"><button>Sign out</button></form>`),
  );
});

app.get('/api/me', requireThreadsToken({ scopes: ['threads_basic'] }), (req, res) => {
  const { userId, scopes, expiresAt } = req.threadsToken!;
  res.json({ userId, scopes, expiresAt });
});

app.listen(port, '127.0.0.1', () => {
  console.log(`threads-auth demo: open http://127.0.0.1:${port}/ and click "Sign in with Threads"`);
});
