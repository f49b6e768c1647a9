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

const port = demoPort(process.env.PORT);
const { THREADS_APP_ID, THREADS_APP_SECRET, THREADS_REDIRECT_URI } = process.env;

/** `PORT` (default 3000), or exit with a message saying what is wrong with it. */
function demoPort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  console.error(`threads-auth demo: PORT must be a port number from 1 to 65535, got ${JSON.stringify(value)}. Try PORT=3001 pnpm demo`);
  process.exit(1);
}

/**
 * Listens on 127.0.0.1:`port` before anything else starts, and exits when the port is taken: otherwise the demo
 * would print its URL while the browser reached whatever else is listening there.
 */
function listen(app: express.Express): Promise<void> {
  return new Promise((resolve) => {
    app.listen(port, '127.0.0.1', (error?: Error) => {
      if (error === undefined) return resolve();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        console.error(
          `threads-auth demo: port ${port} is already in use on 127.0.0.1, so http://127.0.0.1:${port}/ would reach another app.\n` +
            `Stop that app, or start the demo on another port: PORT=${port === 65535 ? 3001 : port + 1} pnpm demo`,
        );
      } else {
        console.error(`threads-auth demo: cannot listen on 127.0.0.1:${port}: ${error.message}`);
      }
      process.exit(1);
    });
  });
}

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
await listen(app);
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

app.get(
  '/api/me',
  requireThreadsToken({ scopes: ['threads_basic'] }, (req, res) => {
    const { userId, scopes, expiresAt } = req.threadsToken; // present: the guard ran
    res.json({ userId, scopes, expiresAt });
  }),
);

console.log(`threads-auth demo: open http://127.0.0.1:${port}/ and click "Sign in with Threads"`);
