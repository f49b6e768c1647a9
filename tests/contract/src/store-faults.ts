/**
 * What threads-auth does when its real store fails: one suite, run by each store package against its real
 * server through a fault proxy (`startFaultProxy` of @threads-auth/testing) that stalls, cuts and refuses
 * connections. The machine's own server is never touched.
 *
 * - A token Threads has issued is never lost: the store cut exactly between Threads' answer to a refresh and the
 *   write, the new token is served, kept, and written once the store is back; nothing refreshes it twice.
 * - Every store call is bounded: a stalled store answers a logged-in request within `storeTimeoutMs` with 503 and
 *   `Retry-After`, and the instance recovers by itself when the store returns.
 * - A store cut for 3 s while a request refreshes a token about to expire answers that request without a 5xx.
 *
 * @module
 */
import { createThreadsAuth, isThreadsAuthError, type FetchLike, type ThreadsAuth, type ThreadsAuthOptions, type TokenStore } from '@threads-auth/core';
import { type FakeThreads, type FaultProxy, startFakeThreads, startFaultProxy } from '@threads-auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUnavailable } from './store-contract.js';

const DAY = 86_400_000;
const USER_ID = '17841405793187219';

/** A store on `address` (the proxy, or the server itself), sharing one namespace per test (`scope`). */
export type FaultStoreFactory = (address: { host: string; port: number }, scope: string) => TokenStore;

/** The store's real server, or why it cannot be reached. */
export interface FaultTarget {
  readonly host: string;
  readonly port: number;
  /** Drops what `scope` created. */
  cleanup(scope: string): Promise<void>;
}

/**
 * Declares the fault suite for one store.
 *
 * @param name - The store's name.
 * @param target - The real server (or `{ skip }` when unavailable).
 * @param makeStore - Builds a store on an address; called with the proxy's and with the server's own.
 */
export function describeStoreFaults(name: string, target: FaultTarget | { readonly skip: string }, makeStore: FaultStoreFactory): void {
  if ('skip' in target) {
    describeUnavailable(`${name} under faults`, target.skip);
    return;
  }
  const server: FaultTarget = target;
  describe(`${name} under faults`, () => {
    const opened: { close(): Promise<void> }[] = [];
    const scopes: string[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((c) => c.close().catch(() => {})));
      await Promise.all(scopes.splice(0).map((s) => server.cleanup(s).catch(() => {})));
    });

    async function setup(extra: Partial<ThreadsAuthOptions> = {}) {
      let clock = Date.now();
      const now = () => clock;
      const fake: FakeThreads = await startFakeThreads({ now });
      const proxy: FaultProxy = await startFaultProxy({ target: server });
      const scope = `faults${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
      scopes.push(scope);
      const viaProxy = makeStore({ host: '127.0.0.1', port: proxy.port }, scope);
      const direct = makeStore({ host: server.host, port: server.port }, scope);
      opened.push({ close: async () => void (await viaProxy.close?.()) }, { close: async () => void (await direct.close?.()) }, proxy, fake);
      /** What happens when Threads answers a refresh, before the app sees the answer (the cut goes here). */
      let onRefreshAnswer: () => void = () => {};
      const fetchThroughHook: FetchLike = async (input, init) => {
        const response = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).includes('/refresh_access_token')) onRefreshAnswer();
        return response;
      };
      const errors: unknown[] = [];
      const options: ThreadsAuthOptions = {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        redirectUri: 'http://127.0.0.1:9/auth/threads/callback',
        secret: 'store-faults-secret-0123456789-abcdef',
        authorizationUrl: fake.authorizationUrl,
        graphUrl: fake.url,
        now,
        fetch: fetchThroughHook,
        retry: { delayMs: 0 },
        storeTimeoutMs: 1_000,
        sessionMaxAge: 90 * DAY,
        onError: (error) => errors.push(error),
        store: viaProxy,
        ...extra,
      };
      const auth = createThreadsAuth(options);
      const cookie = await logIn(auth, fake);
      return {
        auth,
        fake,
        proxy,
        direct,
        errors,
        cookie,
        options,
        now,
        advance: (ms: number) => {
          clock += ms;
        },
        onRefreshAnswer: (hook: () => void) => {
          onRefreshAnswer = hook;
        },
      };
    }

    it('never loses a refreshed token: the store cut between Threads’ answer and the write, the token is served, kept and written when the store is back', async () => {
      const t = await setup();
      t.advance(55 * DAY);
      t.onRefreshAnswer(() => t.proxy.refuse());
      const refreshed = await t.auth.getToken(USER_ID);
      expect(refreshed?.accessToken).toBeDefined();
      expect(t.fake.callsTo('refresh')).toHaveLength(1);
      // The store still holds the old token: the write failed.
      const before = await t.direct.get(USER_ID);
      expect(before?.issuedAt).toBeLessThan(refreshed!.issuedAt.getTime());
      // Served from memory meanwhile, without asking Threads again.
      expect((await t.auth.getToken(USER_ID))?.accessToken).toBe(refreshed!.accessToken);
      t.proxy.pass();
      await vi.waitFor(async () => expect((await t.direct.get(USER_ID))?.issuedAt).toBe(refreshed!.issuedAt.getTime()), { timeout: 10_000, interval: 100 });
      // Another instance, reading the server directly, sees the new token.
      const other = createThreadsAuth({ ...t.options, store: t.direct });
      expect((await other.getToken(USER_ID))?.accessToken).toBe(refreshed!.accessToken);
      expect(t.fake.callsTo('refresh')).toHaveLength(1);
    });

    it('answers a logged-in request within storeTimeoutMs with 503 and Retry-After while the store stalls, and recovers by itself', async () => {
      const t = await setup();
      // A fresh instance: nothing of this session in its memory, so it must ask the store.
      const cold = createThreadsAuth({ ...t.options });
      t.proxy.stall();
      const started = Date.now();
      const outcome = await cold.handle({ method: 'GET', url: '/', headers: { cookie: t.cookie } });
      const elapsed = Date.now() - started;
      expect(outcome).toMatchObject({ type: 'error', status: 503, headers: { 'retry-after': '5' }, error: { code: 'store_unavailable' } });
      expect(elapsed).toBeLessThan(3_000);
      t.proxy.pass();
      await vi.waitFor(
        async () => expect(await cold.handle({ method: 'GET', url: '/', headers: { cookie: t.cookie } })).toMatchObject({ type: 'pass', token: { userId: USER_ID } }),
        { timeout: 10_000, interval: 200 },
      );
    });

    it('an upkeep run gets past a store that stalls while it lists: it lists again, and the due token is refreshed once', async () => {
      const t = await setup();
      // Two days left: past every token's refresh point (each lies in the first half of the 7-day window).
      t.advance(58 * DAY);
      // The first listing hangs past storeTimeoutMs (1 s); the store answers again 1.5 s in, before the retry at 2 s.
      t.proxy.stall();
      setTimeout(() => t.proxy.pass(), 1_500).unref();
      const report = await t.auth.refreshDue();
      expect(report).toMatchObject({ listed: 1, refreshed: 1, failed: 0, ended: 'done' });
      expect(t.fake.callsTo('refresh')).toHaveLength(1);
      expect(t.errors.some((e) => isThreadsAuthError(e) && e.code === 'store_unavailable')).toBe(true);
      expect((await t.direct.get(USER_ID))?.issuedAt).toBe(t.now());
    });

    it('an upkeep run over a store that stays down rejects with store_unavailable after retry.attempts listings', async () => {
      const t = await setup();
      t.advance(58 * DAY);
      t.proxy.refuse();
      const started = Date.now();
      await expect(t.auth.refreshDue({ retry: { attempts: 2 } })).rejects.toMatchObject({ code: 'store_unavailable' });
      // One wait of 1 s between the two listings, each answered (refused) within storeTimeoutMs.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(t.fake.callsTo('refresh')).toHaveLength(0);
    });

    it('a store cut for 3 s while a request refreshes a token about to expire answers that request without a 5xx', async () => {
      const t = await setup();
      // Past the point where the refresh can run behind the request: this request waits for it.
      const expiresAt = (await t.auth.getToken(USER_ID))!.expiresAt.getTime();
      t.advance(expiresAt - Date.now() - 30_000);
      t.onRefreshAnswer(() => {
        t.proxy.refuse();
        setTimeout(() => t.proxy.pass(), 3_000).unref();
      });
      const outcome = await t.auth.handle({ method: 'GET', url: '/', headers: { cookie: t.cookie } });
      // The session read happened before the cut; the write after Threads' answer failed, and the new token is served.
      expect(outcome.type).toBe('pass');
      expect((outcome as { token?: { issuedAt: Date } }).token?.issuedAt.getTime()).toBeGreaterThan(expiresAt - 61 * DAY);
      expect(t.fake.callsTo('refresh')).toHaveLength(1);
      await vi.waitFor(async () => expect((await t.direct.get(USER_ID))?.expiresAt).toBeGreaterThan(expiresAt), { timeout: 15_000, interval: 200 });
    });
  });
}

/** Signs in through the fake over real HTTP, returning the session's `Cookie` header. */
async function logIn(auth: ThreadsAuth, fake: FakeThreads): Promise<string> {
  const login = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
  if (login.type !== 'redirect') throw new Error('login did not redirect');
  const callback = new URL(await fake.approve(login.location));
  const state = login.cookies[0]!;
  const done = await auth.handle({ method: 'GET', url: callback.pathname + callback.search, headers: { cookie: `${state.name}=${state.value}` } });
  const session = done.cookies.find((c) => c.name.endsWith('threads_auth_session') && c.maxAge > 0);
  if (session === undefined) throw new Error(`sign-in failed: ${JSON.stringify(done)}`);
  return `${session.name}=${session.value}`;
}
