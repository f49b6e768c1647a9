/** The session codec: what a cookie carries, without refreshing. */
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import { MemoryTokenStore, type ThreadsAuthOptions, type TokenStore } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { createSessionCodec } from '../src/session.js';
import { USER_ID, recordingFetch, threadsRoutes } from './recording-fetch.js';
import { DAY, SESSION_SECRET, isPromise, logIn, page, setup } from './setup.js';

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
    return { ctx, codec: createSessionCodec(ctx), fake };
  }

  it.each<[string, (c: ReturnType<typeof codec>) => string, 'session' | 'null']>([
    ['a sealed record (cookie mode)', ({ codec }) => codec.issue(record).value, 'session'],
    ['a tampered value', ({ codec }) => `${codec.issue(record).value.slice(0, -2)}xx`, 'null'],
    ['garbage', () => 'not-a-sealed-value', 'null'],
    ['an expired record', ({ codec }) => codec.issue({ ...record, expiresAt: at - 1 }).value, 'null'],
    ['a value sealed for the state cookie', ({ ctx }) => ctx.sealers.state.seal(record), 'null'],
    ['a store reference where a record is expected', ({ ctx }) => ctx.sealers.session.seal({ u: USER_ID }), 'null'],
  ])('cookie mode resolves %s synchronously', (_, make, expected) => {
    const c = codec();
    const resolved = c.codec.resolve(make(c));
    expect(isPromise(resolved)).toBe(false);
    if (expected === 'session') expect(resolved).toMatchObject({ token: { userId: USER_ID } });
    else expect(resolved).toBeNull();
  });

  it('never refreshes by itself: a due token resolves as it is, with no call to Threads', () => {
    const c = codec();
    const due = { ...record, issuedAt: at - 55 * DAY, expiresAt: at + 2 * DAY };
    expect(c.codec.resolve(c.codec.issue(due).value)).toMatchObject({ record: due });
    expect(c.fake.calls).toHaveLength(0);
  });

  it('store mode: a reference resolves through peek synchronously, through get otherwise; a record is not a reference', async () => {
    const store = new MemoryTokenStore({ now: () => at });
    const c = codec({ store });
    await store.set(c.codec.toStored(record));
    const value = c.codec.issue(record).value;
    expect(c.codec.resolve(value)).toMatchObject({ token: { accessToken: record.accessToken } });
    const withoutPeek: TokenStore = { get: (u) => store.get(u), set: (t) => store.set(t), delete: (u) => store.delete(u), listDue: (q) => store.listDue(q) };
    const d = codec({ store: withoutPeek });
    const pending = d.codec.resolve(value);
    expect(isPromise(pending)).toBe(true);
    expect(await pending).toMatchObject({ token: { userId: USER_ID } });
    expect(c.codec.resolve(c.ctx.sealers.session.seal(record))).toBeNull();
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
