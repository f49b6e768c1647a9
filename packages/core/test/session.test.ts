/** The session codec: what a cookie carries, without refreshing. */
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import { MemoryTokenStore, type ThreadsAuthOptions } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { createSessionCodec } from '../src/session.js';
import { decodeCookiePayload } from '../src/session-format.js';
import { USER_ID, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { DAY, SESSION_SECRET, cookieHeader, isPromise, logIn, page, settle, setup, withoutPeeks } from './setup.js';

describe('the session on every request', () => {
  it('passes anonymously without a cookie, and clears a tampered one', async () => {
    const { auth } = setup();
    expect(await page(auth)).toEqual({ type: 'pass', token: undefined, cookies: [] });
    const { session } = await logIn(auth);
    const tampered = `${session!.slice(0, -3)}abc`;
    const outcome = await page(auth, tampered);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]).toMatchObject({ name: '__Host-threads_auth_session', maxAge: 0 });
  });
  it('a value that only ends like a cached cookie is not that session (the cache keys on the end, then compares it all)', async () => {
    const { auth } = setup();
    const { session } = await logIn(auth);
    expect((await page(auth, session)).token?.userId).toBe(USER_ID);
    const at = session!.indexOf('=') + 10;
    const flipped = session!.charAt(at) === 'A' ? 'B' : 'A';
    const lookalike = `${session!.slice(0, at)}${flipped}${session!.slice(at + 1)}`;
    expect(lookalike.slice(-32)).toBe(session!.slice(-32));
    const outcome = await page(auth, lookalike);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]).toMatchObject({ maxAge: 0 });
    // Refusing the look-alike did not evict the real session from the cache, nor end it.
    expect((await page(auth, session)).token?.userId).toBe(USER_ID);
  });
  it('accepts a session sealed by another instance with the same secret', async () => {
    const one = setup();
    const { session } = await logIn(one.auth);
    const other = setup({}, one.fake);
    expect((await page(other.auth, session)).token?.userId).toBe(USER_ID);
    const rotated = setup({ secret: ['n'.repeat(32), SESSION_SECRET] }, one.fake);
    expect((await page(rotated.auth, session)).token?.userId).toBe(USER_ID);
    const stranger = setup({ secret: 'z'.repeat(32) }, one.fake);
    expect((await page(stranger.auth, session)).token).toBeUndefined();
  });
  it('drops an expired token', async () => {
    const { auth, advance } = setup();
    const { session } = await logIn(auth);
    advance(61 * DAY);
    const outcome = await page(auth, session);
    expect(outcome.token).toBeUndefined();
    expect(outcome.cookies[0]!.maxAge).toBe(0);
  });
});

describe('the codec, unit by unit', () => {
  const base = { clientId: '1234567890', clientSecret: 'app-secret-value-0123', redirectUri: 'https://app.example/auth/threads/callback', secret: SESSION_SECRET };
  const at = Date.UTC(2026, 10, 1);
  const record = { accessToken: 'THlonglivedtoken0123456789abcdef', userId: USER_ID, scopes: ['threads_basic'], issuedAt: at - 2 * DAY, expiresAt: at + 58 * DAY };
  function codec(extra: Partial<ThreadsAuthOptions> = {}, fake = recordingFetch(threadsRoutes())) {
    const ctx = createContext(resolveOptions({ ...base, now: () => at, fetch: fake.fetch, ...extra } as ThreadsAuthOptions));
    return { ctx, codec: createSessionCodec(ctx, undefined), fake };
  }
  const fields = (extra: object = {}) => ({ k: record, s: 'session-id', i: at, r: at, ...extra });

  it.each<[string, (c: ReturnType<typeof codec>) => string | Promise<string>, 'session' | 'null']>([
    ['a started session (cookie mode)', async ({ codec }) => (await codec.start(record, at)).value, 'session'],
    ['a tampered value', async ({ codec }) => `${(await codec.start(record, at)).value.slice(0, -2)}xx`, 'null'],
    ['garbage', () => 'not-a-sealed-value', 'null'],
    ['an expired token', async ({ codec }) => (await codec.start({ ...record, expiresAt: at - 1 }, at)).value, 'null'],
    ['a session idle past sessionMaxAge', ({ ctx }) => ctx.sealers.session.seal(fields({ r: at - 30 * DAY })), 'null'],
    ['a session renewed just inside sessionMaxAge', ({ ctx }) => ctx.sealers.session.seal(fields({ r: at - 30 * DAY + 1 })), 'session'],
    ['a value sealed for the pending-login cookie', ({ ctx }) => ctx.sealers.state.seal(fields()), 'null'],
    ['a store reference where a token is expected', ({ ctx }) => ctx.sealers.session.seal({ u: USER_ID, s: 'x', i: at, r: at }), 'null'],
    ['a bare token record (the pre-session cookie format)', ({ ctx }) => ctx.sealers.session.seal(record), 'null'],
  ])('cookie mode resolves %s synchronously', async (_, make, expected) => {
    const c = codec();
    const resolved = c.codec.resolve(await make(c), at);
    expect(isPromise(resolved)).toBe(false);
    if (expected === 'session') expect(resolved).toMatchObject({ session: { token: { userId: USER_ID } } });
    else expect(resolved).toBeNull();
  });

  it('seals the compact form: shorter than the JSON form, the same fields back', async () => {
    const c = codec();
    const value = (await c.codec.start(record, at)).value;
    const bytes = c.ctx.sealers.session.openBytes(value)!.bytes;
    expect(bytes[0]).toBe(1);
    const resolved = c.codec.resolve(value, at);
    expect(resolved).toMatchObject({ carried: { userId: USER_ID, startedAt: at, renewedAt: at }, session: { record } });
    const json = c.ctx.sealers.session.seal(fields({ s: (resolved as { carried: { id: string } }).carried.id }));
    expect(value.length).toBeLessThan(json.length - 80);
    expect(decodeCookiePayload(bytes)).toEqual({ id: (resolved as { carried: { id: string } }).carried.id, startedAt: at, renewedAt: at, userId: USER_ID, record });
    // Cut short, or with a byte too many, it is not a payload.
    expect(decodeCookiePayload(bytes.subarray(0, -1))).toBeUndefined();
    expect(decodeCookiePayload(Buffer.concat([bytes, Buffer.from([0])]))).toBeUndefined();
  });

  it.each([
    ['cookie mode', {}],
    ['store mode', { store: new MemoryTokenStore({ now: () => at }) }],
  ])('%s: a cookie sealed as JSON (the format before the compact one) still resolves, so an upgrade signs nobody out', async (_, extra) => {
    const c = codec(extra);
    if (c.ctx.store !== undefined) {
      await c.ctx.store.set(c.codec.toStored(record));
      await c.ctx.store.setSession!({ id: 'AAAAAAAAAAAAAAAAAAAAAA', userId: USER_ID, expiresAt: at + DAY });
    }
    const old = c.ctx.sealers.session.seal(
      c.ctx.store === undefined ? fields({ s: 'AAAAAAAAAAAAAAAAAAAAAA' }) : { u: USER_ID, s: 'AAAAAAAAAAAAAAAAAAAAAA', i: at, r: at },
    );
    expect(await c.codec.resolve(old, at)).toMatchObject({ carried: { id: 'AAAAAAAAAAAAAAAAAAAAAA', userId: USER_ID, startedAt: at }, session: { record } });
  });

  it('falls back to the JSON form for what the compact one cannot carry exactly (a fractional time, a lone surrogate)', async () => {
    for (const odd of [{ ...record, issuedAt: at - 0.5 }, { ...record, accessToken: 'TH\ud800x' }]) {
      const c = codec();
      const value = (await c.codec.start(odd, at)).value;
      expect(c.ctx.sealers.session.openBytes(value)!.bytes[0]).toBe(0x7b);
      expect(c.codec.resolve(value, at)).toMatchObject({ session: { record: odd } });
    }
  });

  it('never refreshes by itself: a due token resolves as it is, with no call to Threads', async () => {
    const c = codec();
    const due = { ...record, issuedAt: at - 55 * DAY, expiresAt: at + 2 * DAY };
    expect(c.codec.resolve((await c.codec.start(due, at)).value, at)).toMatchObject({ session: { record: due } });
    expect(c.fake.calls).toHaveLength(0);
  });

  it('store mode: a reference resolves through the peeks synchronously, through the store otherwise; a token cookie is not a reference', async () => {
    const store = new MemoryTokenStore({ now: () => at });
    const c = codec({ store });
    await store.set(c.codec.toStored(record));
    const value = (await c.codec.start(record, at)).value;
    expect(c.codec.resolve(value, at)).toMatchObject({ session: { token: { accessToken: record.accessToken } } });
    const d = codec({ store: withoutPeeks(store) });
    const pending = d.codec.resolve(value, at);
    expect(isPromise(pending)).toBe(true);
    expect(await pending).toMatchObject({ session: { token: { userId: USER_ID } } });
    expect(c.codec.resolve(c.ctx.sealers.session.seal(fields()), at)).toBeNull();
    // Without its session record (logged out elsewhere), the reference carries nothing.
    await store.deleteSessions(USER_ID);
    expect(c.codec.resolve(value, at)).toBeNull();
  });

  it('opens only stored records sealed for the store and naming the same user', async () => {
    const { codec: k, ctx } = codec();
    const stored = k.toStored(record);
    expect(stored.sealed).not.toContain(record.accessToken);
    expect(k.open(stored)?.record).toEqual(record);
    expect(k.open({ ...stored, userId: '42' })).toBeUndefined();
    expect(k.open({ ...stored, sealed: ctx.sealers.session.seal(record) })).toBeUndefined();
  });
});

describe('sessions that end when they should', () => {
  const cookieMode = () => setup();
  const storeMode = () => setup({ store: new MemoryTokenStore() });

  it.each([
    ['cookie mode', cookieMode],
    ['store mode', storeMode],
  ])('%s: logout ends the session, and a copy of the cookie taken before carries nothing after', async (_, make) => {
    const { auth } = make();
    const { session } = await logIn(auth);
    const copy = session!;
    expect((await page(auth, copy)).token?.userId).toBe(USER_ID);
    const out = await auth.handle({ method: 'POST', url: '/auth/threads/logout', headers: { cookie: session!, origin: 'https://app.example' } });
    expect(out).toMatchObject({ type: 'redirect', status: 303, cookies: [{ maxAge: 0 }] });
    expect(await page(auth, copy)).toMatchObject({ token: undefined, cookies: [{ maxAge: 0 }] });
  });

  it('store mode: logout on one instance ends the session on every instance sharing the store', async () => {
    const store = new MemoryTokenStore();
    const a = setup({ store });
    const b = setup({ store });
    const { session } = await logIn(a.auth);
    expect((await page(b.auth, session)).token?.userId).toBe(USER_ID);
    await a.auth.handle({ method: 'POST', url: '/auth/threads/logout', headers: { cookie: session! } });
    expect((await page(b.auth, session)).token).toBeUndefined();
    // The token stays for background jobs: logout ends the browser session, not the user's grant.
    expect(await b.auth.getToken(USER_ID)).not.toBeNull();
  });

  it('store mode: revoke(userId) ends every session of the user, on every instance', async () => {
    const store = new MemoryTokenStore();
    const a = setup({ store });
    const b = setup({ store });
    const first = await logIn(a.auth);
    const second = await logIn(a.auth);
    await b.auth.revoke(USER_ID);
    expect((await page(a.auth, first.session)).token).toBeUndefined();
    expect((await page(a.auth, second.session)).token).toBeUndefined();
  });

  it.each([
    ['cookie mode', () => ({})],
    ['store mode', (now: () => number) => ({ store: new MemoryTokenStore({ now }) })],
  ])('%s: a session idle longer than sessionMaxAge ends; one in use rolls, re-issued at most once a day', async (_, extra) => {
    const { auth, advance } = setup((now) => ({ ...extra(now), sessionMaxAge: 30 * DAY }));
    let { session } = await logIn(auth);
    const first = session!;
    // Requests within a day of the cookie's issue set no cookie.
    advance(23 * 3_600_000);
    const early = await page(auth, session);
    expect(early.token?.userId).toBe(USER_ID);
    expect(early.cookies).toEqual([]);
    advance(DAY - 23 * 3_600_000);
    // Active now and then until day 61: the cookie is re-issued as it rolls, and the user stays signed in.
    let day = 1;
    for (const next of [10, 20, 30, 40, 50, 55, 61]) {
      advance((next - day) * DAY);
      day = next;
      const outcome = await page(auth, session);
      expect(outcome.token?.userId, `day ${day}`).toBe(USER_ID);
      const renewed = outcome.cookies.find((c) => c.maxAge > 0);
      expect(renewed, `day ${day}: re-issued`).toBeDefined();
      expect(renewed!.maxAge).toBeLessThanOrEqual(30 * 86_400);
      session = cookieHeader(outcome, 'threads_auth_session')!;
      expect((await page(auth, session)).cookies, `day ${day}: once a day`).toEqual([]);
      await settle();
    }
    // The first cookie, never renewed, has been idle for 61 days.
    expect((await page(auth, first)).token).toBeUndefined();
    // And the current one, left alone for 31 days, ends too.
    advance(31 * DAY);
    expect((await page(auth, session)).token).toBeUndefined();
  });

  it('store mode: the session cookie is re-issued as it rolls, so a user active on day 55 is signed in on day 61', async () => {
    const { auth, advance } = setup((now) => ({ store: new MemoryTokenStore({ now }), sessionMaxAge: 30 * DAY }));
    let { session } = await logIn(auth);
    for (const day of [20, 40]) {
      advance(20 * DAY);
      const outcome = await page(auth, session);
      expect(outcome.token?.userId, `day ${day}`).toBe(USER_ID);
      session = cookieHeader(outcome, 'threads_auth_session') ?? session;
    }
    advance(15 * DAY);
    const day55 = await page(auth, session);
    expect(day55.token?.userId).toBe(USER_ID);
    const renewed = day55.cookies.find((c) => c.maxAge > 0);
    // Re-issued with a fresh lifetime: the browser keeps it well past the login's day 60.
    expect(renewed?.maxAge).toBeGreaterThan(6 * 86_400);
    session = cookieHeader(day55, 'threads_auth_session')!;
    // The day-55 request refreshed the due token behind itself; let it land.
    await settle();
    advance(6 * DAY);
    expect((await page(auth, session)).token?.userId).toBe(USER_ID);
  });

  it.each([
    ['cookie mode', () => ({})],
    ['store mode', () => ({ store: new MemoryTokenStore() })],
  ])('%s: secret rotation re-seals what is used, so dropping the old secret later keeps active users', async (_, extra) => {
    const OLD = 'old-secret-0123456789-0123456789-abcdef';
    const NEW = 'new-secret-0123456789-0123456789-abcdef';
    const options = extra();
    const before = setup({ ...options, secret: OLD });
    const { session } = await logIn(before.auth);
    const rotated = setup({ ...options, secret: [NEW, OLD] });
    const outcome = await page(rotated.auth, session);
    expect(outcome.token?.userId).toBe(USER_ID);
    const resealed = cookieHeader(outcome, 'threads_auth_session');
    expect(resealed).toBeDefined();
    // Wait for the stored token's re-seal (store mode) to land.
    await settle();
    const after = setup({ ...options, secret: NEW });
    expect((await page(after.auth, resealed)).token?.userId).toBe(USER_ID);
    // A user who was away the whole time is signed out once the old secret goes.
    expect((await page(after.auth, session)).token).toBeUndefined();
    if ('store' in options) expect((await after.auth.getToken(USER_ID))?.accessToken).toBeDefined();
  });

  it.each([
    ['cookie mode', () => ({})],
    ['a shared store', (() => {
      const store = new MemoryTokenStore();
      return () => ({ store });
    })()],
  ])('binds cookies to the app: same secret, another clientId accepts neither session nor pending login (%s)', async (_, extra) => {
    const a = setup({ ...extra() });
    const b = setup({ ...extra(), clientId: '9876543210' });
    const { session, start } = await logIn(a.auth);
    expect((await page(a.auth, session)).token?.userId).toBe(USER_ID);
    expect((await page(b.auth, session)).token).toBeUndefined();
    // Nor a pending login started at app A.
    const state = new URL((start as { location: string }).location).searchParams.get('state');
    const stateCookie = cookieHeader(start, 'threads_auth_state')!;
    const crossed = await b.auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie: stateCookie } });
    expect(crossed).toMatchObject({ type: 'error', error: { code: 'invalid_state' } });
  });
});
