/**
 * A diagnostic, not one of the report's figures: the CPU cost of `auth.handle()` on the hot path (a
 * logged-in request to an app route), without HTTP or Express, so a change in core can be judged in
 * nanoseconds before running the whole benchmark. Sessions come from a real in-process login against the
 * fake Threads server.
 *
 *   node bench/handle-micro.mjs            (add --cpu-prof to node for a profile of just this loop)
 */
import { createThreadsAuth, MemoryTokenStore } from '@threads-auth/core';
import { RedisTokenStore } from '@threads-auth/redis';
import { startFakeThreads } from '@threads-auth/testing';
import { fakeAuthOptions, handleLogin } from './lib/login.mjs';

const ITERATIONS = 300_000;
const WARMUP = 50_000;
const ROUNDS = 5;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// What a browser sends besides ours on a typical site: analytics and consent cookies.
const OTHER_COOKIES = '_ga=GA1.1.1234567890.1700000000; _gid=GA1.1.987654321.1700000000; consent=necessary%2Canalytics; theme=dark; lang=en-GB';

const fake = await startFakeThreads();
const base = fakeAuthOptions(fake);
const login = (auth) => handleLogin(auth, fake);

/** Nanoseconds per awaited call of `fn`, median of ROUNDS. */
async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) await fn();
    rounds.push(Number(process.hrtime.bigint() - t0) / ITERATIONS);
  }
  rounds.sort((a, b) => a - b);
  return rounds[ROUNDS >> 1];
}

const cookieAuth = createThreadsAuth(base);
const memoryAuth = createThreadsAuth({ ...base, store: new MemoryTokenStore() });
const redisStore = new RedisTokenStore({ url: redisUrl, keyPrefix: `threads-auth-bench:micro:${process.pid}:` });
await redisStore.ready();
const redisAuth = createThreadsAuth({ ...base, store: redisStore });

const cookieSession = await login(cookieAuth);
const memorySession = await login(memoryAuth);
const redisSession = await login(redisAuth);
const request = (cookie) => ({ method: 'GET', url: '/hello', headers: { host: '127.0.0.1:3000', accept: '*/*', cookie } });

const PASS = Object.freeze({ type: 'pass', token: undefined, cookies: [] });
const cases = [
  ['async no-op (the floor of any awaited middleware)', async () => PASS],
  ['anonymous request (no cookie header)', () => cookieAuth.handle({ method: 'GET', url: '/hello', headers: { host: '127.0.0.1:3000' } })],
  ['anonymous request, other cookies only', () => cookieAuth.handle(request(OTHER_COOKIES))],
  ['cookie mode, session cookie only', () => cookieAuth.handle(request(cookieSession))],
  ['cookie mode, session + 5 other cookies', () => cookieAuth.handle(request(`${OTHER_COOKIES}; ${cookieSession}`))],
  ['MemoryTokenStore, session cookie only', () => memoryAuth.handle(request(memorySession))],
  ['RedisTokenStore (read cache), session cookie only', () => redisAuth.handle(request(redisSession))],
];

const check = await cookieAuth.handle(request(cookieSession));
if (check.type !== 'pass' || check.token === undefined) throw new Error('the cookie-mode session does not authenticate');
process.stdout.write(`auth.handle() hot path, ${ROUNDS} rounds × ${ITERATIONS} awaited calls, median; session cookie ${cookieSession.length} bytes\n\n`);
for (const [label, fn] of cases) {
  const ns = await measure(fn);
  process.stdout.write(`${(ns / 1000).toFixed(2).padStart(7)} µs  ${label}\n`);
}

// Leave nothing behind in Redis but the login's one-time state key, which expires in 10 minutes.
await redisStore.delete(check.token.userId);
await redisStore.close();
await fake.close();
