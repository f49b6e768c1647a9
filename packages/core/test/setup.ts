/** What the per-part tests share: an instance on a recording fetch and an injected clock, and a full sign-in. */
import { type MemoryTokenStore, type TokenStore, createThreadsAuth, type Outcome, type PassOutcome, type ThreadsAuthOptions } from '../src/index.js';
import { recordingFetch, threadsRoutes } from './recording-fetch.js';

export const DAY = 86_400_000;
export const SECRET = 'app-secret-value-0123';
export const SESSION_SECRET = 'session-secret-0123456789-abcdefghij';

export function setup(extra: Partial<ThreadsAuthOptions> | ((now: () => number) => Partial<ThreadsAuthOptions>) = {}, fake = recordingFetch(threadsRoutes())) {
  let clock = Date.UTC(2026, 10, 1);
  const now = () => clock;
  /** What the logger wrote, one line per entry. */
  const logs: string[] = [];
  const auth = createThreadsAuth({
    logger: { error: (line) => logs.push(line) },
    clientId: '1234567890',
    clientSecret: SECRET,
    redirectUri: 'https://app.example/auth/threads/callback',
    secret: SESSION_SECRET,
    fetch: fake.fetch,
    now,
    retry: { delayMs: 0 },
    // Long enough that tests which jump weeks ahead exercise token refresh, not the idle-session limit.
    sessionMaxAge: 400 * DAY,
    ...(typeof extra === 'function' ? extra(now) : extra),
  });
  return {
    auth,
    fake,
    logs,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

export function cookieHeader(outcome: Outcome, name: string): string | undefined {
  const cookie = outcome.cookies.find((c) => c.name.endsWith(name) && c.maxAge > 0);
  return cookie === undefined ? undefined : `${cookie.name}=${cookie.value}`;
}

export async function logIn(auth: ReturnType<typeof setup>['auth'], returnTo?: string) {
  const start = await auth.handle({ method: 'GET', url: `/auth/threads/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`, headers: {} });
  if (start.type !== 'redirect') throw new Error('login did not redirect');
  const state = new URL(start.location).searchParams.get('state')!;
  const stateCookie = cookieHeader(start, 'threads_auth_state')!;
  const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie: stateCookie } });
  return { start, state, stateCookie, done, session: cookieHeader(done, 'threads_auth_session') };
}

export const page = (auth: ReturnType<typeof setup>['auth'], cookie?: string) =>
  auth.handle({ method: 'GET', url: '/dashboard', headers: cookie ? { cookie } : {} }) as Promise<PassOutcome>;


export const isPromise = (value: unknown): boolean => typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Lets background work (a refresh behind a request, a re-seal) run to its end: rounds of short timers, so that
 * every timer the work schedules in turn (retry backoffs of 0 ms) fires before the next round's, however loaded
 * the machine is.
 */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A store that forwards to `store` without its synchronous peeks (every read is I/O), with some methods replaced. */
export function withoutPeeks(store: MemoryTokenStore, overrides: Partial<TokenStore> = {}): TokenStore {
  return {
    get: (u) => store.get(u),
    set: (t) => store.set(t),
    delete: (u) => store.delete(u),
    listDue: (q) => store.listDue(q),
    acquireLock: (k, t) => store.acquireLock(k, t),
    consumeOnce: (k, t) => store.consumeOnce(k, t),
    setSession: (x) => store.setSession(x),
    getSession: (id) => store.getSession(id),
    deleteSession: (id) => store.deleteSession(id),
    deleteSessions: (u) => store.deleteSessions(u),
    ...overrides,
  };
}
