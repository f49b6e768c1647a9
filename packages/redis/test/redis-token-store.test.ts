import type { StoredToken } from '@threads-auth/core';
import { describeUnavailable } from '@threads-auth/contract-tests/store';
import type { Redis } from 'ioredis';
import { createClient } from 'redis-v5';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { REDIS_URL, connect, deletePrefix, probeRedis, uniquePrefix } from './redis-server.js';

const DAY = 86_400_000;
const unavailable = await probeRedis();

function token(userId: string, sealed: string, overrides: Partial<StoredToken> = {}): StoredToken {
  const now = Date.now();
  return { userId, sealed, issuedAt: now - DAY, expiresAt: now + 30 * DAY, ...overrides };
}

if (unavailable !== undefined) {
  describeUnavailable('RedisTokenStore (Redis-specific)', unavailable);
} else {
  describe('RedisTokenStore (Redis-specific)', () => {
    const disposers: Array<() => Promise<void>> = [];

    afterEach(async () => {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    /** A client of the test's own, quit after the test. */
    function client(name = `threads-auth-test-${globalThis.crypto.randomUUID()}`): Redis {
      const c = connect({ connectionName: name });
      disposers.push(async () => {
        if (c.status !== 'end') await c.quit();
      });
      return c;
    }

    /** A store on its own connection; every store of one test shares `keyPrefix`. */
    async function storeOn(connection: Redis, keyPrefix: string, options: Partial<ConstructorParameters<typeof RedisTokenStore>[0]> = {}) {
      const store = new RedisTokenStore({ ...options, client: connection, keyPrefix } as ConstructorParameters<typeof RedisTokenStore>[0]);
      disposers.push(() => store.close());
      await store.ready();
      return store;
    }

    function prefix(): string {
      const keyPrefix = uniquePrefix();
      disposers.push(async () => {
        const cleaner = connect();
        await deletePrefix(cleaner, keyPrefix);
        await cleaner.quit();
      });
      return keyPrefix;
    }

    describe('key layout', () => {
      it('keeps the record under {prefix}token:<userId> with PX until expiresAt, indexed in {prefix}due by expiry then user', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        const record = token('17841405793187219', 'sealed-1');
        await store.set(record);

        expect(JSON.parse((await redis.get(`{${keyPrefix}}token:17841405793187219`))!)).toEqual(record);
        const pttl = await redis.pttl(`{${keyPrefix}}token:17841405793187219`);
        expect(pttl).toBeGreaterThan(30 * DAY - 60_000);
        expect(pttl).toBeLessThanOrEqual(30 * DAY);
        const member = `${String(record.expiresAt).padStart(16, '0')}:17841405793187219`;
        expect(await redis.zrange(`{${keyPrefix}}due`, 0, -1, 'WITHSCORES')).toEqual([member, '0']);

        // A replacement moves the index entry: one member per user.
        const moved = token('17841405793187219', 'sealed-2', { expiresAt: record.expiresAt + 1 });
        await store.set(moved);
        expect(await redis.zrange(`{${keyPrefix}}due`, 0, -1)).toEqual([`${String(moved.expiresAt).padStart(16, '0')}:17841405793187219`]);

        expect(await store.delete('17841405793187219')).toBe(true);
        expect(await redis.exists(`{${keyPrefix}}token:17841405793187219`)).toBe(0);
        expect(await redis.zcard(`{${keyPrefix}}due`)).toBe(0);
      });

      it('stores an already expired token as no token', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        await store.set(token('u1', 'live'));
        await store.set(token('u1', 'dead', { expiresAt: Date.now() - 1 }));
        expect(await redis.exists(`{${keyPrefix}}token:u1`)).toBe(0);
        expect(await redis.zcard(`{${keyPrefix}}due`)).toBe(0);
        expect(await store.get('u1')).toBeNull();
      });

      it('sweeps index entries whose token key Redis already expired', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        await store.set(token('short', 's', { expiresAt: Date.now() + 50 }));
        await new Promise((resolve) => setTimeout(resolve, 120));
        expect(await redis.zcard(`{${keyPrefix}}due`)).toBe(1);
        const other = token('other', 'o');
        await store.set(other);
        expect(await redis.zrange(`{${keyPrefix}}due`, 0, -1)).toEqual([`${String(other.expiresAt).padStart(16, '0')}:other`]);
      });

      it('keeps locks under lock:<key> and one-time keys under once:<key>, both with PX', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        const release = await store.acquireLock('refresh:u1', 5_000);
        expect(await redis.get(`${keyPrefix}lock:refresh:u1`)).toMatch(/^[0-9a-f-]{36}$/);
        expect(await redis.pttl(`${keyPrefix}lock:refresh:u1`)).toBeGreaterThan(4_000);
        await release!();
        expect(await redis.exists(`${keyPrefix}lock:refresh:u1`)).toBe(0);

        expect(await store.consumeOnce('state:abc', 60_000)).toBe(true);
        expect(await redis.get(`${keyPrefix}once:state:abc`)).toBe('1');
        expect(await redis.pttl(`${keyPrefix}once:state:abc`)).toBeGreaterThan(59_000);
      });

      it('refuses a key that does not hold a token record instead of guessing', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix, { cache: false });
        await redis.set(`{${keyPrefix}}token:u1`, 'not json');
        await expect(store.get('u1')).rejects.toThrow(`Redis key "{${keyPrefix}}token:u1" does not hold a threads-auth token record`);
      });
    });

    describe('lock release (Lua compare-and-delete)', () => {
      it('does not delete a lock that now holds another holder', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        const release = await store.acquireLock('refresh:u1', 5_000);
        // As if our ttl had run out and another instance had taken the lock since.
        await redis.set(`${keyPrefix}lock:refresh:u1`, 'someone-else', 'PX', 5_000);
        await release!();
        expect(await redis.get(`${keyPrefix}lock:refresh:u1`)).toBe('someone-else');
      });

      it('is exclusive across two instances on two connections', async () => {
        const keyPrefix = prefix();
        const a = await storeOn(client(), keyPrefix);
        const b = await storeOn(client(), keyPrefix);
        const release = await a.acquireLock('refresh:u1', 5_000);
        expect(await b.acquireLock('refresh:u1', 5_000)).toBeNull();
        await release!();
        expect(await b.acquireLock('refresh:u1', 5_000)).not.toBeNull();
        expect(await a.consumeOnce('state:x', 5_000)).toBe(true);
        expect(await b.consumeOnce('state:x', 5_000)).toBe(false);
      });

      it('rejects a ttl that is not a positive number', async () => {
        const store = await storeOn(client(), prefix());
        await expect(store.acquireLock('k', 0)).rejects.toThrow(TypeError);
        await expect(store.consumeOnce('k', Number.NaN)).rejects.toThrow(/"ttlMs"/);
      });
    });

    describe('read cache', () => {
      it('serves repeated reads without a Redis round trip', async () => {
        const redis = client();
        const store = await storeOn(redis, prefix());
        await store.set(token('u1', 'v1'));
        const get = vi.spyOn(redis, 'get');
        for (let i = 0; i < 5; i++) expect((await store.get('u1'))?.sealed).toBe('v1');
        expect(await store.get('unknown')).toBeNull();
        expect(await store.get('unknown')).toBeNull();
        expect(get).toHaveBeenCalledTimes(1);
      });

      it('with { consistent: true } reads Redis even when cached', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix, { cache: { ttlMs: 60_000 } });
        await store.set(token('u1', 'v1'));
        // Written behind the store's back: no invalidation is published.
        await redis.set(`{${keyPrefix}}token:u1`, JSON.stringify(token('u1', 'v2')));
        expect((await store.get('u1'))?.sealed).toBe('v1');
        expect((await store.get('u1', { consistent: true }))?.sealed).toBe('v2');
        expect((await store.get('u1'))?.sealed).toBe('v2');
      });

      it('serves an entry for at most ttlMs even when no invalidation arrives', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix, { cache: { ttlMs: 400 } });
        await store.set(token('u1', 'v1'));
        await redis.set(`{${keyPrefix}}token:u1`, JSON.stringify(token('u1', 'v2')));
        expect((await store.get('u1'))?.sealed).toBe('v1');
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect((await store.get('u1'))?.sealed).toBe('v2');
      });

      it('never serves a token after delete on the same instance, even with a read in flight', async () => {
        const store = await storeOn(client(), prefix(), { cache: { ttlMs: 60_000 } });
        await store.set(token('u1', 'v1'));
        expect((await store.get('u1'))?.sealed).toBe('v1');
        const [inFlight, deleted] = await Promise.all([store.get('u1', { consistent: true }), store.delete('u1')]);
        expect(inFlight?.sealed).toBe('v1');
        expect(deleted).toBe(true);
        expect(await store.get('u1')).toBeNull();
      });

      it('evicts the least recently used user beyond max', async () => {
        const redis = client();
        const store = await storeOn(redis, prefix(), { cache: { max: 2, ttlMs: 60_000 } });
        await store.set(token('a', 'a'));
        await store.set(token('b', 'b'));
        await store.get('a');
        await store.set(token('c', 'c'));
        const get = vi.spyOn(redis, 'get');
        await store.get('a');
        await store.get('c');
        expect(get).not.toHaveBeenCalled();
        await store.get('b');
        expect(get).toHaveBeenCalledTimes(1);
      });

      it('is coherent across two instances on two connections through the invalidation channel', async () => {
        const keyPrefix = prefix();
        // A long ttl: only the invalidation message can explain b seeing a's writes.
        const a = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const b = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });

        expect(await b.get('u1')).toBeNull();
        await a.set(token('u1', 'v1'));
        await vi.waitFor(async () => expect((await b.get('u1'))?.sealed).toBe('v1'), { timeout: 2_000, interval: 10 });

        await a.set(token('u1', 'v2'));
        expect((await a.get('u1'))?.sealed).toBe('v2');
        await vi.waitFor(async () => expect((await b.get('u1'))?.sealed).toBe('v2'), { timeout: 2_000, interval: 10 });

        await b.delete('u1');
        expect(await b.get('u1')).toBeNull();
        await vi.waitFor(async () => expect(await a.get('u1')).toBeNull(), { timeout: 2_000, interval: 10 });
      });

      it('publishes invalidations from an instance whose own cache is off', async () => {
        const keyPrefix = prefix();
        const cached = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const uncached = await storeOn(client(), keyPrefix, { cache: false });
        await uncached.set(token('u1', 'v1'));
        expect((await cached.get('u1'))?.sealed).toBe('v1');
        await uncached.set(token('u1', 'v2'));
        await vi.waitFor(async () => expect((await cached.get('u1'))?.sealed).toBe('v2'), { timeout: 2_000, interval: 10 });
      });

      it('empties the cache when its subscription drops, and is coherent again once resubscribed', async () => {
        const keyPrefix = prefix();
        const name = `threads-auth-test-${globalThis.crypto.randomUUID()}`;
        const admin = client();
        const aClient = client(name);
        const a = await storeOn(aClient, keyPrefix, { cache: { ttlMs: 60_000 } });
        const b = await storeOn(client(), keyPrefix, { cache: false });
        await b.set(token('u1', 'v1'));
        // Once b's invalidation has reached a, a read fills a's cache: prove it is served from there.
        await vi.waitFor(async () => {
          expect((await a.get('u1'))?.sealed).toBe('v1');
          const get = vi.spyOn(aClient, 'get');
          try {
            expect((await a.get('u1'))?.sealed).toBe('v1');
            expect(get).not.toHaveBeenCalled();
          } finally {
            get.mockRestore();
          }
        });

        // The store's subscriber is a duplicate of its client, so it carries the same connection name.
        const subscribers = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
          .split('\n')
          .filter((line) => line.includes(` name=${name} `));
        expect(subscribers).toHaveLength(1);
        const id = /\bid=(\d+)/.exec(subscribers[0]!)![1]!;
        await admin.call('CLIENT', 'KILL', 'ID', id);
        // Written while a may not be listening: only emptying the cache on disconnect keeps a from serving v1.
        await b.set(token('u1', 'v2'));
        await vi.waitFor(async () => expect((await a.get('u1'))?.sealed).toBe('v2'), { timeout: 5_000, interval: 20 });

        await vi.waitFor(
          async () => {
            const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
            expect(list).toContain(` name=${name} `);
          },
          { timeout: 5_000, interval: 50 },
        );
        await a.get('u1');
        await b.set(token('u1', 'v3'));
        await vi.waitFor(async () => expect((await a.get('u1'))?.sealed).toBe('v3'), { timeout: 5_000, interval: 20 });
      });
    });

    describe('sessions', () => {
      const session = (id: string, userId: string, ttlMs = DAY) => ({ id, userId, expiresAt: Date.now() + ttlMs });

      it('keeps a session under {prefix}session:<id> with PX, indexed under {prefix}user-sessions:<userId>', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        const s1 = session('s1', '17841405793187219', 60_000);
        const s2 = session('s2', '17841405793187219', 120_000);
        await store.setSession(s1);
        await store.setSession(s2);
        expect(JSON.parse((await redis.get(`{${keyPrefix}}session:s1`))!)).toEqual(s1);
        expect(await redis.pttl(`{${keyPrefix}}session:s1`)).toBeGreaterThan(55_000);
        const index = `{${keyPrefix}}user-sessions:17841405793187219`;
        expect(await redis.zrange(index, 0, -1, 'WITHSCORES')).toEqual(['s1', String(s1.expiresAt), 's2', String(s2.expiresAt)]);
        // The index lives as long as the longest session.
        expect(await redis.pttl(index)).toBeGreaterThan(115_000);
        expect(await store.deleteSession('s1')).toBe(true);
        expect(await redis.zrange(index, 0, -1)).toEqual(['s2']);
        expect(await store.deleteSessions('17841405793187219')).toBe(1);
        expect(await redis.exists(index, `{${keyPrefix}}session:s2`)).toBe(0);
      });

      it('stores a session that has already ended as no session', async () => {
        const keyPrefix = prefix();
        const redis = client();
        const store = await storeOn(redis, keyPrefix);
        await store.setSession(session('s1', 'u1'));
        await store.setSession({ id: 's1', userId: 'u1', expiresAt: Date.now() - 1 });
        expect(await redis.exists(`{${keyPrefix}}session:s1`)).toBe(0);
        expect(await store.getSession('s1')).toBeNull();
      });

      it('does not let deleteSessions of a former owner end a session id now stored for someone else', async () => {
        const store = await storeOn(client(), prefix(), { cache: false });
        await store.setSession(session('shared-id', 'alice'));
        await store.setSession(session('shared-id', 'bob'));
        expect(await store.deleteSessions('alice')).toBe(0);
        expect((await store.getSession('shared-id'))?.userId).toBe('bob');
      });

      it("works under an ioredis client's own keyPrefix, scripts included", async () => {
        const outer = uniquePrefix();
        disposers.push(async () => {
          const cleaner = connect();
          await deletePrefix(cleaner, outer);
          await cleaner.quit();
        });
        const keyPrefix = prefix();
        const prefixed = connect({ keyPrefix: outer });
        disposers.push(async () => {
          await prefixed.quit();
        });
        const store = await storeOn(prefixed, keyPrefix, { cache: false });
        const raw = client();
        await store.set(token('u1', 'v1'));
        await store.setSession(session('s1', 'u1'));
        await store.setSession(session('s2', 'u1'));
        expect(await raw.exists(`${outer}{${keyPrefix}}token:u1`, `${outer}{${keyPrefix}}session:s1`, `${outer}{${keyPrefix}}user-sessions:u1`)).toBe(3);
        expect((await store.listDue({ issuedBefore: Date.now(), expiresBefore: Date.now() + 60 * DAY, expiresAfter: Date.now(), limit: 5 })).map((t) => t.userId)).toEqual(['u1']);
        expect(await store.deleteSession('s1')).toBe(true);
        expect(await raw.zrange(`${outer}{${keyPrefix}}user-sessions:u1`, 0, -1)).toEqual(['s2']);
        expect(await store.deleteSessions('u1')).toBe(1);
        expect(await raw.exists(`${outer}{${keyPrefix}}session:s2`)).toBe(0);
        expect(await store.delete('u1')).toBe(true);
      });

      it('serves peekSession from the cache and never after a delete on the same instance', async () => {
        const redis = client();
        const store = await storeOn(redis, prefix(), { cache: { ttlMs: 60_000 } });
        const s1 = session('s1', 'u1');
        await store.setSession(s1);
        const get = vi.spyOn(redis, 'get');
        expect(store.peekSession('s1')).toEqual(s1);
        expect(await store.getSession('s1')).toEqual(s1);
        expect(get).not.toHaveBeenCalled();
        await store.deleteSession('s1');
        expect(store.peekSession('s1') ?? null).toBeNull();
        expect(await store.getSession('s1')).toBeNull();
      });

      it('a logout on instance A stops instance B from answering the session from its cache', async () => {
        const keyPrefix = prefix();
        // A long ttl: only the invalidation message can explain b dropping what it cached.
        const a = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const b = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const s1 = session('s1', 'u1');
        await a.setSession(s1);
        await vi.waitFor(async () => {
          expect(await b.getSession('s1')).toEqual(s1);
          expect(b.peekSession('s1')).toEqual(s1);
        });
        expect(await a.deleteSession('s1')).toBe(true);
        await vi.waitFor(() => expect(b.peekSession('s1')).toBeUndefined(), { timeout: 2_000, interval: 5 });
        expect(await b.getSession('s1')).toBeNull();
      });

      it("a revoke on instance A (deleteSessions) drops every cached session of the user on instance B, and no one else's", async () => {
        const keyPrefix = prefix();
        const a = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const b = await storeOn(client(), keyPrefix, { cache: { ttlMs: 60_000 } });
        const sessions = [session('a1', 'alice'), session('a2', 'alice'), session('b1', 'bob')];
        for (const s of sessions) await a.setSession(s);
        await vi.waitFor(async () => {
          for (const s of sessions) {
            expect(await b.getSession(s.id)).toEqual(s);
            expect(b.peekSession(s.id)).toEqual(s);
          }
        });
        expect(await a.deleteSessions('alice')).toBe(2);
        await vi.waitFor(
          () => {
            expect(b.peekSession('a1')).toBeUndefined();
            expect(b.peekSession('a2')).toBeUndefined();
          },
          { timeout: 2_000, interval: 5 },
        );
        expect(b.peekSession('b1')).toEqual(sessions[2]);
        expect(await b.getSession('a1')).toBeNull();
      });
    });

    describe('listDue index', () => {
      it('pages exactly through 500 tokens sharing one expiry with the cursor, in byte order of user id', async () => {
        const store = await storeOn(client(), prefix(), { cache: false });
        const expiresAt = Date.now() + 3 * DAY;
        const ids = Array.from({ length: 500 }, (_, i) => `${17841405793187000 + i * 7919}`);
        await Promise.all(ids.map((id) => store.set(token(id, `s-${id}`, { expiresAt, issuedAt: Date.now() - 2 * DAY }))));
        const query = { issuedBefore: Date.now(), expiresBefore: expiresAt, expiresAfter: Date.now() };
        const seen: string[] = [];
        let after: { expiresAt: number; userId: string } | undefined;
        for (;;) {
          const page = await store.listDue({ ...query, limit: 37, ...(after ? { after } : {}) });
          if (page.length === 0) break;
          seen.push(...page.map((t) => t.userId));
          after = { expiresAt: page.at(-1)!.expiresAt, userId: page.at(-1)!.userId };
        }
        expect(seen).toEqual([...ids].sort());
      });

      it('reads one ZRANGEBYLEX page from the cursor on, not the records before it', async () => {
        const redis = client();
        const store = await storeOn(redis, prefix(), { cache: false });
        const t = Date.now();
        await Promise.all(Array.from({ length: 300 }, (_, i) => store.set(token(`u${String(i).padStart(3, '0')}`, 's', { expiresAt: t + DAY + i }))));
        const zrange = vi.spyOn(redis, 'zrangebylex');
        const page = await store.listDue({ issuedBefore: t, expiresBefore: t + 2 * DAY, expiresAfter: t, limit: 5, after: { expiresAt: t + DAY + 250, userId: 'u250' } });
        expect(page.map((r) => r.userId)).toEqual(['u251', 'u252', 'u253', 'u254', 'u255']);
        expect(zrange).toHaveBeenCalledTimes(1);
        expect(zrange.mock.calls[0]![1]).toBe(`(${String(t + DAY + 250).padStart(16, '0')}:u250`);
      });
    });

    describe('close()', () => {
      it('quits the client it created from url, and its subscriber', async () => {
        const store = new RedisTokenStore({ url: REDIS_URL, keyPrefix: prefix() });
        await store.ready();
        await store.set(token('u1', 'v1'));
        await store.close();
        await store.close();
        await expect(store.get('u1', { consistent: true })).rejects.toThrow(/Connection is closed/);
      });

      it('leaves a client passed in open, and closes only its own subscriber', async () => {
        const keyPrefix = prefix();
        const name = `threads-auth-test-${globalThis.crypto.randomUUID()}`;
        const redis = client(name);
        const admin = client();
        const store = new RedisTokenStore({ client: redis, keyPrefix });
        await store.ready();
        expect(String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toContain(` name=${name} `);
        await store.close();
        expect(redis.status).toBe('ready');
        expect(await redis.ping()).toBe('PONG');
        await vi.waitFor(async () => expect(String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))).not.toContain(` name=${name} `));
      });

      it('opens no subscription when the cache is off', async () => {
        const redis = client();
        const duplicate = vi.spyOn(redis, 'duplicate');
        const store = await storeOn(redis, prefix(), { cache: false });
        await store.set(token('u1', 'v1'));
        expect(duplicate).not.toHaveBeenCalled();
      });

      it('can close while the server is unreachable', async () => {
        const store = new RedisTokenStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix() });
        await store.close();
        await expect(store.ready()).rejects.toThrow();
      });
    });

    describe('options', () => {
      it('requires exactly one of client and url', () => {
        expect(() => new RedisTokenStore({} as never)).toThrow(/option "client" or "url" is required/);
        expect(() => new RedisTokenStore({ url: REDIS_URL, client: {} } as never)).toThrow(TypeError);
      });

      it('names the cache option at fault', () => {
        expect(() => new RedisTokenStore({ url: REDIS_URL, cache: { ttlMs: 0 } })).toThrow(/"cache.ttlMs"/);
        expect(() => new RedisTokenStore({ url: REDIS_URL, cache: { max: 1.5 } })).toThrow(/"cache.max"/);
      });

      it('names timeoutMs and keyPrefix when they are invalid', () => {
        for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000']) {
          expect(() => new RedisTokenStore({ url: REDIS_URL, timeoutMs } as never)).toThrow(/option "timeoutMs" must be a positive number/);
        }
        for (const keyPrefix of ['', '{app}:', 'a}b', 42]) {
          expect(() => new RedisTokenStore({ url: REDIS_URL, keyPrefix } as never)).toThrow(/option "keyPrefix" must be a non-empty string without/);
        }
      });

      it('refuses a client it does not know, and says what it accepts', () => {
        expect(() => new RedisTokenStore({ client: { get() {} } } as never)).toThrow(/option "client" must be an ioredis Redis or Cluster, or a node-redis client/);
        const nodeRedisCluster = { sendCommand() {}, multi() {}, isOpen: true, masters: [] };
        expect(() => new RedisTokenStore({ client: nodeRedisCluster } as never)).toThrow(/node-redis cluster.*pass an ioredis Cluster/);
      });

      it('refuses a node-redis client that is not connected yet', () => {
        const notOpen = createClient({ url: REDIS_URL });
        expect(() => new RedisTokenStore({ client: notOpen })).toThrow(/not open: call `await client.connect\(\)`/);
      });

      it('uses threads-auth: as the default prefix', async () => {
        const store = new RedisTokenStore({ client: client(), cache: false });
        disposers.push(() => store.close());
        expect(store.keyPrefix).toBe('threads-auth:');
      });
    });
  });
}
