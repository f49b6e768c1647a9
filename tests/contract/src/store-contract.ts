/**
 * The token-store contract: one suite of behaviours that every {@link TokenStore} must show, run unchanged
 * against `MemoryTokenStore`, `RedisTokenStore` and `PostgresTokenStore`. A behaviour proven here for one
 * store is proven for all.
 *
 * A store that needs a server (Redis, PostgreSQL) reports `{ skip: reason }` from its setup when the server
 * cannot be reached. Locally the suite then registers one skipped test named after the reason and prints one
 * warning line, so a machine without the server still passes and says what it did not run. Under CI
 * (`CI` set and not `false`/`0`) the same situation fails the suite instead: CI must really run these tests.
 *
 * @module
 */
import type { StoredToken, TokenStore } from '@threads-auth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A store ready for one test, and how to dispose of it. */
export interface TokenStoreFixture {
  /** A store with nothing in it, isolated from every other fixture (own key prefix, own table). */
  readonly store: TokenStore;
  /** Removes everything the fixture created and closes the store. */
  cleanup(): Promise<void>;
  /** The clock the store judges expiry by, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * `false` for a store that ignores `DueQuery.claim` (allowed: claims only spare concurrent upkeep workers
   * work); its claim cases are skipped. Default `true`.
   */
  readonly claims?: boolean;
}

/** What a setup reports when the store's server cannot be reached. */
export interface TokenStoreUnavailable {
  /** Why, naming the address tried, e.g. `Redis unavailable at redis://127.0.0.1:6379 (ECONNREFUSED)`. */
  readonly skip: string;
}

/** Creates one isolated store per test, or says why it cannot. */
export type TokenStoreSetup = () => Promise<TokenStoreFixture | TokenStoreUnavailable>;

/** True when running under CI, where an unreachable server must fail rather than skip. */
export function isCI(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * Registers a suite that could not run because its server is unavailable: a skipped test whose name states
 * `reason` plus one `console.warn` line locally, or a failing test under CI.
 *
 * @param name - The suite's name, e.g. `RedisTokenStore (Redis-specific)`.
 * @param reason - Why it cannot run, naming the address tried.
 */
export function describeUnavailable(name: string, reason: string): void {
  describe(name, () => registerUnavailable(name, reason));
}

function registerUnavailable(name: string, reason: string): void {
  if (isCI()) {
    it(`${reason} — CI is set, so this fails instead of skipping`, () => {
      throw new Error(`${name}: ${reason}. CI must run this suite: start the server or fix its URL.`);
    });
    return;
  }
  console.warn(`[threads-auth] ${name} skipped: ${reason} (under CI=true this fails).`);
  it.skip(`${reason} — skipped: start the server to run ${name}`, () => {});
}

const LARGE_USER_ID = '17841405793187219';
const DAY = 86_400_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isUnavailable(value: TokenStoreFixture | TokenStoreUnavailable): value is TokenStoreUnavailable {
  return 'skip' in value;
}

/**
 * Declares the token-store contract suite for one store.
 *
 * @param name - The suite's name, e.g. `RedisTokenStore`.
 * @param setup - Called once to probe, then once per test for a fresh, isolated store.
 *
 * @example
 * ```ts
 * describeTokenStoreContract('MemoryTokenStore', async () => ({
 *   store: new MemoryTokenStore(),
 *   cleanup: async () => {},
 * }));
 * ```
 */
export function describeTokenStoreContract(name: string, setup: TokenStoreSetup): void {

  describe(name, async () => {
    const probe = await setup();
    if (isUnavailable(probe)) {
      registerUnavailable(name, probe.skip);
      return;
    }
    const hasLock = typeof probe.store.acquireLock === 'function';
    const hasConsumeOnce = typeof probe.store.consumeOnce === 'function';
    const hasPeek = typeof probe.store.peek === 'function';
    const hasClaims = probe.claims !== false;
    await probe.cleanup();

    let fixture: TokenStoreFixture;
    let store: TokenStore;
    let now: () => number;

    beforeEach(async () => {
      const next = await setup();
      if (isUnavailable(next)) throw new Error(`${name}: the server went away during the run: ${next.skip}`);
      fixture = next;
      store = next.store;
      now = next.now ?? Date.now;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    function token(userId: string, overrides: Partial<StoredToken> = {}): StoredToken {
      const t = now();
      return { userId, sealed: `sealed.${userId}.v1`, issuedAt: t - 2 * DAY, expiresAt: t + 58 * DAY, ...overrides };
    }

    describe('get / set / delete', () => {
      it('get resolves null for an unknown user', async () => {
        expect(await store.get('nobody')).toBeNull();
      });

      it('round-trips a record exactly, with a large numeric-string user id', async () => {
        const record: StoredToken = {
          userId: LARGE_USER_ID,
          sealed: `v1.${'A-_z09'.repeat(700)}.ünïcødé:{"json":true}`,
          issuedAt: 1_731_000_000_123,
          expiresAt: now() + 59 * DAY + 7,
        };
        await store.set(record);
        expect(await store.get(LARGE_USER_ID)).toEqual(record);
        expect(await store.get('17841405793187218')).toBeNull();
      });

      it('set replaces the token stored for the same user', async () => {
        await store.set(token('u1'));
        const replacement = token('u1', { sealed: 'sealed.u1.v2', issuedAt: now(), expiresAt: now() + 60 * DAY });
        await store.set(replacement);
        expect(await store.get('u1')).toEqual(replacement);
      });

      it('keeps users apart', async () => {
        await store.set(token('u1'));
        await store.set(token('u2', { sealed: 'other' }));
        expect((await store.get('u1'))?.sealed).toBe('sealed.u1.v1');
        expect((await store.get('u2'))?.sealed).toBe('other');
      });

      it('delete resolves true when there was a token, then false', async () => {
        await store.set(token('u1'));
        expect(await store.delete('u1')).toBe(true);
        expect(await store.get('u1')).toBeNull();
        expect(await store.delete('u1')).toBe(false);
      });

      it('delete of an unknown user resolves false and leaves others alone', async () => {
        await store.set(token('u1'));
        expect(await store.delete('u2')).toBe(false);
        expect(await store.get('u1')).not.toBeNull();
      });

      it('get does not return a token that has already expired', async () => {
        await store.set(token('u1', { expiresAt: now() - 1 }));
        expect(await store.get('u1')).toBeNull();
      });

      it('get stops returning a token once it expires', async () => {
        await store.set(token('u1', { expiresAt: now() + 400 }));
        expect(await store.get('u1')).not.toBeNull();
        await sleep(600);
        expect(await store.get('u1')).toBeNull();
      });

      it('get with { consistent: true } sees the latest write', async () => {
        await store.set(token('u1'));
        await store.get('u1');
        const replacement = token('u1', { sealed: 'sealed.u1.v2' });
        await store.set(replacement);
        expect(await store.get('u1', { consistent: true })).toEqual(replacement);
        await store.delete('u1');
        expect(await store.get('u1', { consistent: true })).toBeNull();
      });

      it('a set after a delete is visible again', async () => {
        await store.set(token('u1'));
        await store.delete('u1');
        const again = token('u1', { sealed: 'sealed.u1.v3' });
        await store.set(again);
        expect(await store.get('u1')).toEqual(again);
      });
    });

    describe('listDue', () => {
      const base = 1_800_000_000_000;

      it('filters by issuedBefore, expiresBefore and expiresAfter, bounds inclusive/inclusive/exclusive', async () => {
        const t = now();
        const issuedBefore = t - DAY;
        const expiresBefore = t + 7 * DAY;
        const expiresAfter = t;
        const records = [
          token('due', { issuedAt: t - 30 * DAY, expiresAt: t + 3 * DAY }),
          token('due-at-bounds', { issuedAt: issuedBefore, expiresAt: expiresBefore }),
          token('too-young', { issuedAt: issuedBefore + 1, expiresAt: t + 3 * DAY }),
          token('not-due-yet', { issuedAt: t - 30 * DAY, expiresAt: expiresBefore + 1 }),
          token('expires-at-after', { issuedAt: t - 30 * DAY, expiresAt: expiresAfter }),
        ];
        for (const record of records) await store.set(record);
        const due = await store.listDue({ issuedBefore, expiresBefore, expiresAfter, limit: 100 });
        expect(due.map((r) => r.userId).sort()).toEqual(['due', 'due-at-bounds']);
        expect(due.find((r) => r.userId === 'due')).toEqual(records[0]);
      });

      it('excludes tokens that expire exactly at expiresAfter but includes one a millisecond later', async () => {
        const t = now();
        await store.set(token('a', { expiresAt: t + 5 * DAY }));
        await store.set(token('b', { expiresAt: t + 5 * DAY + 1 }));
        const due = await store.listDue({ issuedBefore: t, expiresBefore: t + 6 * DAY, expiresAfter: t + 5 * DAY, limit: 10 });
        expect(due.map((r) => r.userId)).toEqual(['b']);
      });

      it('orders by expiry, soonest first, and honours limit', async () => {
        const t = now();
        const order = ['e', 'c', 'a', 'd', 'b'];
        await Promise.all(order.map((id, i) => store.set(token(id, { expiresAt: t + DAY + (i + 1) * 60_000 }))));
        const query = { issuedBefore: t, expiresBefore: t + 2 * DAY, expiresAfter: t };
        expect((await store.listDue({ ...query, limit: 10 })).map((r) => r.userId)).toEqual(order);
        expect((await store.listDue({ ...query, limit: 2 })).map((r) => r.userId)).toEqual(['e', 'c']);
        expect(await store.listDue({ ...query, limit: 0 })).toEqual([]);
      });

      it('finds due tokens past a crowd of tokens that are not due', async () => {
        const t = now();
        const young = Array.from({ length: 150 }, (_, i) => token(`young-${i}`, { issuedAt: t, expiresAt: t + DAY + i }));
        await Promise.all(young.map((r) => store.set(r)));
        await store.set(token('old', { issuedAt: t - 30 * DAY, expiresAt: t + 2 * DAY }));
        const due = await store.listDue({ issuedBefore: t - DAY, expiresBefore: t + 3 * DAY, expiresAfter: t, limit: 5 });
        expect(due.map((r) => r.userId)).toEqual(['old']);
      });

      it('reflects replacement and deletion', async () => {
        const t = now();
        await store.set(token('moved', { expiresAt: t + 2 * DAY }));
        await store.set(token('gone', { expiresAt: t + 2 * DAY }));
        await store.set(token('moved', { expiresAt: t + 50 * DAY }));
        await store.delete('gone');
        const due = await store.listDue({ issuedBefore: t, expiresBefore: t + 7 * DAY, expiresAfter: t, limit: 10 });
        expect(due).toEqual([]);
      });

      it('orders equal expiries by userId and pages with the keyset cursor without repeats or gaps', async () => {
        const t = now();
        const ids = Array.from({ length: 25 }, (_, i) => `${1000 + i}`);
        // Five expiry instants shared by five users each: the cursor must break ties by userId.
        await Promise.all(ids.map((id, i) => store.set(token(id, { expiresAt: t + DAY + Math.floor(i / 5) * 60_000 }))));
        const query = { issuedBefore: t, expiresBefore: t + 2 * DAY, expiresAfter: t };
        const seen: string[] = [];
        let after: { expiresAt: number; userId: string } | undefined;
        for (let page = 0; page < 20; page++) {
          const batch = await store.listDue({ ...query, limit: 4, ...(after ? { after } : {}) });
          if (batch.length === 0) break;
          seen.push(...batch.map((r) => r.userId));
          const last = batch[batch.length - 1]!;
          after = { expiresAt: last.expiresAt, userId: last.userId };
        }
        expect(seen).toEqual(ids);
      });

      it('the cursor skips past records that stay due (no head-of-line repeat)', async () => {
        const t = now();
        await store.set(token('a', { expiresAt: t + DAY }));
        await store.set(token('b', { expiresAt: t + DAY }));
        await store.set(token('c', { expiresAt: t + DAY + 1 }));
        const query = { issuedBefore: t, expiresBefore: t + 2 * DAY, expiresAfter: t, limit: 10 };
        expect((await store.listDue({ ...query, after: { expiresAt: t + DAY, userId: 'a' } })).map((r) => r.userId)).toEqual(['b', 'c']);
        expect((await store.listDue({ ...query, after: { expiresAt: t + DAY, userId: 'b' } })).map((r) => r.userId)).toEqual(['c']);
        expect(await store.listDue({ ...query, after: { expiresAt: t + DAY + 1, userId: 'c' } })).toEqual([]);
      });

      it('uses the record times it was given, not the time of the write', async () => {
        await store.set(token('fixed', { issuedAt: base, expiresAt: now() + 3 * DAY }));
        const due = await store.listDue({ issuedBefore: base, expiresBefore: now() + 4 * DAY, expiresAfter: now(), limit: 1 });
        expect(due).toHaveLength(1);
        expect(due[0]?.issuedAt).toBe(base);
      });
    });

    describe.skipIf(!hasClaims)('listDue with claim', () => {
      const CLAIM = { ttlMs: 60_000, owner: 'worker-a' };
      const OTHER = { ttlMs: 60_000, owner: 'worker-b' };

      async function seed(count: number): Promise<string[]> {
        const t = now();
        const ids = Array.from({ length: count }, (_, i) => `${10_000 + i}`);
        // Groups of three share an expiry: the claim must page by the keyset, ties broken by userId.
        await Promise.all(ids.map((id, i) => store.set(token(id, { expiresAt: t + DAY + Math.floor(i / 3) * 60_000 }))));
        return ids;
      }
      const dueQuery = () => ({ issuedBefore: now(), expiresBefore: now() + 2 * DAY, expiresAfter: now() });

      it('splits the due tokens between workers listing at the same time: each token listed by exactly one', async () => {
        const ids = await seed(60);
        const seen: string[][] = [[], [], []];
        await Promise.all(
          seen.map(async (mine, worker) => {
            const claim = { ttlMs: 60_000, owner: `worker-${worker}` };
            let after: { expiresAt: number; userId: string } | undefined;
            for (let page = 0; page < 60; page++) {
              const batch = await store.listDue({ ...dueQuery(), limit: 4, claim, ...(after ? { after } : {}) });
              if (batch.length === 0) return;
              mine.push(...batch.map((r) => r.userId));
              const last = batch[batch.length - 1]!;
              after = { expiresAt: last.expiresAt, userId: last.userId };
            }
          }),
        );
        const all = seen.flat();
        expect(new Set(all).size).toBe(all.length);
        expect([...all].sort()).toEqual(ids);
        // Every worker got a share: none walked the whole listing alone.
        for (const mine of seen) expect(mine.length).toBeLessThan(ids.length);
      });

      it("leaves another owner's claims out of a claiming listing, but not the owner's own, nor a plain listing", async () => {
        const ids = await seed(9);
        const first = await store.listDue({ ...dueQuery(), limit: 5, claim: CLAIM });
        expect(first.map((r) => r.userId)).toEqual(ids.slice(0, 5));
        // A second worker starting from the beginning (no cursor) is given the rest, in listing order.
        const second = await store.listDue({ ...dueQuery(), limit: 10, claim: OTHER });
        expect(second.map((r) => r.userId)).toEqual(ids.slice(5));
        expect(await store.listDue({ ...dueQuery(), limit: 10, claim: { ttlMs: 60_000, owner: 'worker-c' } })).toEqual([]);
        // The first worker's next run lists its own claims again (and not the second worker's).
        expect((await store.listDue({ ...dueQuery(), limit: 10, claim: CLAIM })).map((r) => r.userId)).toEqual(ids.slice(0, 5));
        expect((await store.listDue({ ...dueQuery(), limit: 10 })).map((r) => r.userId)).toEqual(ids);
      });

      it('reads on past a long run of tokens claimed by others instead of stopping short', async () => {
        // More than one bounded step of a store's scan (Redis: 8 × 200 index members per script call).
        const ids = await seed(1_710);
        const taken = await store.listDue({ ...dueQuery(), limit: 1_700, claim: CLAIM });
        expect(taken).toHaveLength(1_700);
        const rest = await store.listDue({ ...dueQuery(), limit: 4, claim: OTHER });
        expect(rest.map((r) => r.userId)).toEqual(ids.slice(1_700, 1_704));
      });

      it('claims only what matches: a token that is not due stays unclaimed for later', async () => {
        const t = now();
        await store.set(token('young', { issuedAt: t, expiresAt: t + DAY }));
        await store.set(token('old', { issuedAt: t - 30 * DAY, expiresAt: t + DAY + 1 }));
        const query = { issuedBefore: t - DAY, expiresBefore: t + 2 * DAY, expiresAfter: t, limit: 10 };
        expect((await store.listDue({ ...query, claim: CLAIM })).map((r) => r.userId)).toEqual(['old']);
        // Once old enough, the young token is listed to another owner: the first listing did not claim it.
        expect((await store.listDue({ ...query, issuedBefore: t, claim: OTHER })).map((r) => r.userId)).toEqual(['young']);
      });

      it("releaseClaims ends the owner's claims at once, and only the owner's", async () => {
        const ids = await seed(6);
        expect(await store.listDue({ ...dueQuery(), limit: 3, claim: CLAIM })).toHaveLength(3);
        expect(await store.listDue({ ...dueQuery(), limit: 10, claim: OTHER })).toHaveLength(3);
        await store.releaseClaims!('worker-a');
        expect((await store.listDue({ ...dueQuery(), limit: 10, claim: { ttlMs: 60_000, owner: 'worker-c' } })).map((r) => r.userId)).toEqual(ids.slice(0, 3));
        await store.releaseClaims!('worker-nobody');
        expect(await store.listDue({ ...dueQuery(), limit: 10, claim: { ttlMs: 60_000, owner: 'worker-d' } })).toEqual([]);
      });

      it('ends a claim after ttlMs: the tokens are listed again', async () => {
        const ids = await seed(3);
        expect(await store.listDue({ ...dueQuery(), limit: 10, claim: { ttlMs: 300, owner: 'worker-a' } })).toHaveLength(3);
        expect(await store.listDue({ ...dueQuery(), limit: 10, claim: OTHER })).toEqual([]);
        await sleep(700);
        expect((await store.listDue({ ...dueQuery(), limit: 10, claim: OTHER })).map((r) => r.userId)).toEqual(ids);
      });
    });

    describe.skipIf(!hasLock)('acquireLock', () => {
      it('is exclusive until released', async () => {
        const release = await store.acquireLock!('refresh:u1', 10_000);
        expect(release).toBeTypeOf('function');
        expect(await store.acquireLock!('refresh:u1', 10_000)).toBeNull();
        await release!();
        const again = await store.acquireLock!('refresh:u1', 10_000);
        expect(again).toBeTypeOf('function');
        await again!();
      });

      it('locks keys independently', async () => {
        const a = await store.acquireLock!('refresh:a', 10_000);
        const b = await store.acquireLock!('refresh:b', 10_000);
        expect(a).not.toBeNull();
        expect(b).not.toBeNull();
        await a!();
        await b!();
      });

      it('frees the lock once its ttl elapses', async () => {
        expect(await store.acquireLock!('refresh:ttl', 400)).not.toBeNull();
        expect(await store.acquireLock!('refresh:ttl', 400)).toBeNull();
        await sleep(600);
        expect(await store.acquireLock!('refresh:ttl', 10_000)).not.toBeNull();
      });

      it('a release by a holder whose ttl elapsed does not free the next holder', async () => {
        const stale = await store.acquireLock!('refresh:stale', 150);
        await sleep(350);
        const current = await store.acquireLock!('refresh:stale', 10_000);
        expect(current).not.toBeNull();
        await stale!();
        expect(await store.acquireLock!('refresh:stale', 10_000)).toBeNull();
        await current!();
        expect(await store.acquireLock!('refresh:stale', 10_000)).not.toBeNull();
      });

      it('a second release does not free the lock someone took since', async () => {
        const first = await store.acquireLock!('refresh:twice', 10_000);
        await first!();
        const second = await store.acquireLock!('refresh:twice', 10_000);
        await first!();
        expect(await store.acquireLock!('refresh:twice', 10_000)).toBeNull();
        await second!();
      });

      it('lets exactly one of 50 concurrent callers win', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.acquireLock!('refresh:race', 10_000)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });
    });

    // peek is an optional, synchronous look at the store's own memory: registered only for stores that offer it.
    if (hasPeek) {
      describe('peek', () => {
        it('never answers differently from get: the same token, or "cannot tell" (undefined)', async () => {
          const record = token('17841405793187219');
          expect(store.peek!('17841405793187219') ?? null).toBeNull();
          await store.set(record);
          await store.get(record.userId);
          expect([undefined, record]).toContainEqual(store.peek!(record.userId) ?? undefined);
          const replaced = { ...record, sealed: 'sealed.replaced' };
          await store.set(replaced);
          expect([undefined, replaced]).toContainEqual(store.peek!(record.userId) ?? undefined);
          await store.delete(record.userId);
          expect(store.peek!(record.userId) ?? null).toBeNull();
        });
        it('does not answer with an expired token', async () => {
          const record = token('u-expiring', { expiresAt: now() + 300 });
          await store.set(record);
          await store.get(record.userId);
          await sleep(400);
          expect(store.peek!(record.userId) ?? null).toBeNull();
        });
      });
    }

    describe.skipIf(!hasConsumeOnce)('consumeOnce', () => {
      it('resolves true the first time and false after', async () => {
        expect(await store.consumeOnce!('state:abc', 60_000)).toBe(true);
        expect(await store.consumeOnce!('state:abc', 60_000)).toBe(false);
        expect(await store.consumeOnce!('state:abc', 60_000)).toBe(false);
      });

      it('keeps keys independent', async () => {
        expect(await store.consumeOnce!('state:one', 60_000)).toBe(true);
        expect(await store.consumeOnce!('state:two', 60_000)).toBe(true);
      });

      it('lets exactly one of 50 concurrent callers consume a key', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.consumeOnce!('state:race', 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('sessions', () => {
      const session = (id: string, userId: string, ttl = 60_000) => ({ id, userId, expiresAt: now() + ttl });

      it('round-trips, renews and deletes one session', async () => {
        if (store.setSession === undefined) return expect(store.getSession).toBeUndefined();
        expect(await store.getSession!('nope')).toBeNull();
        const s1 = session('s1', LARGE_USER_ID);
        await store.setSession(s1);
        expect(await store.getSession!('s1')).toEqual(s1);
        const renewed = session('s1', LARGE_USER_ID, 120_000);
        await store.setSession(renewed);
        expect(await store.getSession!('s1')).toEqual(renewed);
        expect(await store.deleteSession!('s1')).toBe(true);
        expect(await store.getSession!('s1')).toBeNull();
        expect(await store.deleteSession!('s1')).toBe(false);
      });

      it("deleteSessions ends every session of one user and no one else's", async () => {
        if (store.setSession === undefined) return;
        await store.setSession(session('a1', 'alice'));
        await store.setSession(session('a2', 'alice'));
        await store.setSession(session('b1', 'bob'));
        expect(await store.deleteSessions!('alice')).toBe(2);
        expect(await store.getSession!('a1')).toBeNull();
        expect(await store.getSession!('a2')).toBeNull();
        expect(await store.getSession!('b1')).not.toBeNull();
        expect(await store.deleteSessions!('alice')).toBe(0);
      });

      it('does not return a session past its expiry', async () => {
        if (store.setSession === undefined) return;
        await store.setSession(session('short', 'carol', 50));
        await sleep(80);
        expect(await store.getSession!('short')).toBeNull();
      });

      it('peekSession never answers differently from getSession', async () => {
        if (store.peekSession === undefined || store.setSession === undefined) return;
        await store.setSession(session('p1', 'dave'));
        await store.getSession!('p1');
        const peeked = store.peekSession('p1');
        if (peeked !== undefined) expect(peeked).toEqual(await store.getSession!('p1'));
        await store.deleteSession!('p1');
        const after = store.peekSession('p1');
        if (after !== undefined) expect(after).toBeNull();
      });

      it('keeps sessions apart from tokens: deleting a token leaves its sessions, deleting sessions leaves the token', async () => {
        if (store.setSession === undefined) return;
        await store.set(token('erin'));
        await store.setSession(session('e1', 'erin'));
        await store.delete('erin');
        expect(await store.getSession!('e1')).not.toBeNull();
        await store.set(token('erin'));
        await store.deleteSessions!('erin');
        expect(await store.get('erin')).not.toBeNull();
      });
    });

    describe('concurrency', () => {
      it('stores 50 users written in parallel', async () => {
        const records = Array.from({ length: 50 }, (_, i) => token(`p${i}`, { sealed: `sealed-${i}` }));
        await Promise.all(records.map((r) => store.set(r)));
        const read = await Promise.all(records.map((r) => store.get(r.userId)));
        expect(read).toEqual(records);
      });

      it('never returns a torn record while one user is written and read in parallel', async () => {
        const t = now();
        const writes = Array.from({ length: 30 }, (_, i) =>
          token('hot', { sealed: `sealed-${i}`, issuedAt: t - DAY + i, expiresAt: t + DAY + i }),
        );
        const reads: Array<Promise<StoredToken | null>> = [];
        await Promise.all(
          writes.map(async (w) => {
            reads.push(store.get('hot'));
            await store.set(w);
            reads.push(store.get('hot'));
          }),
        );
        for (const read of await Promise.all(reads)) {
          if (read === null) continue;
          const i = Number(read.sealed.slice('sealed-'.length));
          expect(read).toEqual(writes[i]);
        }
        const last = await store.get('hot', { consistent: true });
        expect(writes).toContainEqual(last);
      });
    });
  });
}
