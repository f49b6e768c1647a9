/**
 * One benchmarked Express 5 app, run as its own process by run.mjs (pinned to a CPU there).
 *
 *   node app.mjs <variant>      with BENCH_APP_CONFIG='{"fake":{...},"redisUrl":...,"keyPrefix":...,"secret":...}'
 *
 * Variants: bare | threads-cookie | threads-redis | passport-memory | passport-redis. Every variant serves the
 * same hot route, `GET /hello` → `res.send('hello')`, registered first so no other route is tried before it,
 * then `GET /whoami` for run.mjs to check that the session cookie really authenticates. The app's clock is
 * `Date.now() + offset`; run.mjs moves the offset over IPC (`clock`) to make a token due for refresh.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { threadsAuth } from '@threads-auth/express';
import { RedisTokenStore } from '@threads-auth/redis';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { Redis } from 'ioredis';
import passport from 'passport';
import { announceReady, serveParent } from './lib/serve-parent.mjs';

const VARIANTS = ['bare', 'threads-cookie', 'threads-redis', 'passport-memory', 'passport-redis'];
const variant = process.argv[2];
if (!VARIANTS.includes(variant)) throw new Error(`app.mjs: variant must be one of ${VARIANTS.join(', ')}; got ${variant}`);
const config = JSON.parse(process.env.BENCH_APP_CONFIG ?? '{}');

let clockOffsetMs = 0;
const now = () => Date.now() + clockOffsetMs;
/** What each variant must close on shutdown (Redis connections). */
const closers = [];

const server = createServer({ keepAlive: true });
// Counted so run.mjs can check that load runs stayed on their keep-alive connections (one listener call per
// connection, nothing per request).
let connections = 0;
server.on('connection', () => {
  connections++;
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
await mountSession(app);
app.get('/hello', (_req, res) => {
  res.send('hello');
});
app.get('/whoami', (req, res) => {
  const token = req.threadsToken;
  const user = token?.userId ?? req.user?.id ?? null;
  // A fingerprint, not the token: enough for run.mjs to see which requests got a refreshed one.
  const tokenId = token === undefined ? null : createHash('sha256').update(token.accessToken).digest('hex').slice(0, 12);
  res.json({ user, tokenId });
});
if (variant.startsWith('passport-')) {
  app.get('/login', (req, res, next) => {
    req.login(config.user, (error) => (error ? next(error) : res.send('signed in')));
  });
}
server.on('request', app);

async function mountSession(app) {
  switch (variant) {
    case 'bare':
      return;
    case 'threads-cookie':
    case 'threads-redis': {
      const store = variant === 'threads-redis' ? new RedisTokenStore({ url: config.redisUrl, keyPrefix: config.keyPrefix, now }) : undefined;
      if (store !== undefined) {
        await store.ready();
        closers.push(() => store.close());
      }
      app.use(
        threadsAuth({
          clientId: config.fake.clientId,
          clientSecret: config.fake.clientSecret,
          redirectUri: `${origin}/auth/threads/callback`,
          secret: config.secret,
          authorizationUrl: config.fake.authorizationUrl,
          graphUrl: config.fake.url,
          now,
          store,
          onError: (error) => process.stderr.write(`[${variant}] threads-auth: ${error.message}\n`),
        }),
      );
      return;
    }
    case 'passport-memory':
    case 'passport-redis': {
      let store;
      if (variant === 'passport-redis') {
        const client = new Redis(config.redisUrl);
        closers.push(() => client.quit());
        store = new RedisStore({ client, prefix: `${config.keyPrefix}sess:` });
      }
      // What an app on express-session + passport does today: a session per login, the user id serialized
      // into it, the user object deserialized on every request.
      const users = new Map([[config.user.id, config.user]]);
      passport.serializeUser((user, done) => done(null, user.id));
      passport.deserializeUser((id, done) => done(null, users.get(id) ?? false));
      app.use(session({ secret: config.secret, resave: false, saveUninitialized: false, store, cookie: { httpOnly: true, sameSite: 'lax' } }));
      app.use(passport.initialize());
      app.use(passport.session());
      return;
    }
  }
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
    await Promise.allSettled(closers.map((close) => close()));
  },
);
announceReady({ origin, variant });
