/**
 * What the store does when Redis misbehaves, with the fault proxy of @threads-auth/testing between the store and
 * Redis: a hung Redis (stall) bounds every call by `timeoutMs`; a Redis that drops or refuses connections makes
 * calls fail fast and the store recover by itself, on ioredis and on both node-redis majors.
 */
import { describeUnavailable } from '@threads-auth/contract-tests/store';
import type { StoredToken } from '@threads-auth/core';
import { type FaultProxy, startFaultProxy } from '@threads-auth/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient5 } from 'redis-v5';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RedisClientLike, RedisTokenStore, RedisTokenStoreTimeoutError } from '../src/index.js';
import { REDIS_URL, connect, deletePrefix, probeRedis, uniquePrefix } from './redis-server.js';

const DAY = 86_400_000;
const TIMEOUT_MS = 400;
const unavailable = await probeRedis();

interface Client {
  readonly client: RedisClientLike;
  quit(): Promise<unknown>;
}

const clients: Record<string, (url: string) => Promise<Client>> = {
  ioredis: async (url) => {
    const client = new Redis(url);
    client.on('error', () => {});
    return { client, quit: async () => client.disconnect() };
  },
  'node-redis 4': async (url) => {
    const client = createClient4({ url });
    client.on('error', () => {});
    await client.connect();
    return { client, quit: () => client.disconnect() };
  },
  'node-redis 5': async (url) => {
    const client = createClient5({ url });
    client.on('error', () => {});
    await client.connect();
    return { client, quit: async () => client.destroy() };
  },
};

function token(userId: string, sealed: string): StoredToken {
  return { userId, sealed, issuedAt: Date.now() - 2 * DAY, expiresAt: Date.now() + 30 * DAY };
}

/** Every store call that reaches Redis, by name. */
function everyCall(store: RedisTokenStore): Record<string, () => Promise<unknown>> {
  const t = Date.now();
  return {
    get: () => store.get('u-stall', { consistent: true }),
    set: () => store.set(token('u-stall', 'during-stall')),
    delete: () => store.delete('u-other'),
    listDue: () => store.listDue({ issuedBefore: t, expiresBefore: t + 60 * DAY, expiresAfter: t, limit: 10 }),
    setSession: () => store.setSession({ id: 's-stall', userId: 'u-stall', expiresAt: t + DAY }),
    getSession: () => store.getSession('s-unknown'),
    deleteSession: () => store.deleteSession('s-other'),
    deleteSessions: () => store.deleteSessions('u-other'),
    acquireLock: () => store.acquireLock('refresh:u-stall', 5_000),
    consumeOnce: () => store.consumeOnce('state:stall', 5_000),
  };
}

if (unavailable !== undefined) {
  describeUnavailable('RedisTokenStore under faults', unavailable);
} else {
  const target = new URL(REDIS_URL);

  describe.each(Object.keys(clients))('RedisTokenStore under faults, on %s', (kind) => {
    const disposers: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    async function setup(): Promise<{ proxy: FaultProxy; store: RedisTokenStore }> {
      const proxy = await startFaultProxy({ target: { host: target.hostname, port: Number(target.port || 6379) } });
      disposers.push(() => proxy.close());
      const keyPrefix = uniquePrefix();
      disposers.push(async () => {
        const cleaner = connect();
        await deletePrefix(cleaner, keyPrefix);
        await cleaner.quit();
      });
      const { client, quit } = await clients[kind]!(`redis://${proxy.address}`);
      disposers.push(quit);
      const store = new RedisTokenStore({ client, keyPrefix, timeoutMs: TIMEOUT_MS, cache: { ttlMs: 60_000 } });
      disposers.push(() => store.close());
      await store.ready();
      return { proxy, store };
    }

    it(`rejects every call of a stalled Redis within timeoutMs (${TIMEOUT_MS} ms), then works again after pass()`, async () => {
      const { proxy, store } = await setup();
      await store.set(token('u-stall', 'before'));
      const release = await store.acquireLock('refresh:held', 5_000);

      proxy.stall();
      const calls = { ...everyCall(store), releaseLock: () => release!() };
      const outcomes = await Promise.all(
        Object.entries(calls).map(async ([name, call]) => {
          const started = performance.now();
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          return { name, error, elapsed: performance.now() - started };
        }),
      );
      for (const { name, error, elapsed } of outcomes) {
        expect(error, name).toBeInstanceOf(RedisTokenStoreTimeoutError);
        expect((error as RedisTokenStoreTimeoutError).code).toBe('ERR_THREADS_AUTH_REDIS_TIMEOUT');
        expect((error as Error).message).toMatch(new RegExp(`RedisTokenStore\\.${name}\\(\\) within ${TIMEOUT_MS} ms \\(option "timeoutMs"\\)`));
        expect(elapsed, name).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        expect(elapsed, name).toBeLessThan(TIMEOUT_MS + 1_000);
      }

      proxy.pass();
      await store.set(token('u-stall', 'after'));
      expect((await store.get('u-stall', { consistent: true }))?.sealed).toBe('after');
      expect((await store.get('u-stall'))?.sealed).toBe('after');
    });

    it('bounds ready() of a store created while Redis hangs', async () => {
      const { proxy } = await setup();
      // Connected first (node-redis' own connect() would hang on a stalled server); the subscription is not.
      const { client, quit } = await clients[kind]!(`redis://${proxy.address}`);
      disposers.push(quit);
      proxy.stall();
      const store = new RedisTokenStore({ client, keyPrefix: uniquePrefix(), timeoutMs: TIMEOUT_MS });
      disposers.push(() => store.close());
      await expect(store.ready()).rejects.toThrow(/RedisTokenStore\.ready\(\) within 400 ms/);
      expect(store.peek('u1')).toBeUndefined();
      proxy.pass();
      await store.ready();
    });

    it('fails calls fast while Redis refuses connections, and recovers by itself, cache coherent again', async () => {
      const { proxy, store } = await setup();
      await store.set(token('u1', 'v1'));
      proxy.refuse();
      await expect(store.get('u1', { consistent: true })).rejects.toThrow();
      // The subscription is down: the cache must not answer, since invalidations may be missed meanwhile.
      await vi.waitFor(() => expect(store.peek('u1')).toBeUndefined());
      proxy.pass();
      await vi.waitFor(async () => expect((await store.get('u1', { consistent: true }))?.sealed).toBe('v1'), { timeout: 10_000, interval: 100 });
      // Coherent again: a write by another instance reaches this one's cache.
      const other = new RedisTokenStore({ url: REDIS_URL, keyPrefix: store.keyPrefix, cache: false });
      disposers.push(() => other.close());
      await vi.waitFor(async () => {
        await store.get('u1');
        expect(store.peek('u1')?.sealed).toBe('v1');
      }, { timeout: 10_000, interval: 100 });
      await other.set(token('u1', 'v2'));
      await vi.waitFor(() => expect(store.peek('u1')?.sealed ?? 'gone').not.toBe('v1'), { timeout: 2_000, interval: 10 });
      expect((await store.get('u1'))?.sealed).toBe('v2');
    }, 30_000);
  });

  // A separate process takes the lock through the built package and is SIGKILLed: no release ever runs.
  describe.skipIf(!existsSync(new URL('../dist/index.js', import.meta.url)))('a refresh lock whose holder is SIGKILLed', () => {
    it('stays held until its ttl elapses, then another client gets it', async () => {
      const keyPrefix = uniquePrefix();
      const TTL = 1_500;
      const holder = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { RedisTokenStore } from '@threads-auth/redis';
const store = new RedisTokenStore({ url: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX, cache: false });
const release = await store.acquireLock('refresh:17841405793187219', ${TTL});
console.log(release ? 'locked' : 'busy');
setInterval(() => {}, 1_000);`,
        ],
        { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, REDIS_URL, KEY_PREFIX: keyPrefix }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const store = new RedisTokenStore({ url: REDIS_URL, keyPrefix, cache: false });
      try {
        const [line] = (await once(holder.stdout!, 'data')) as [Buffer];
        const lockedAt = performance.now();
        expect(line.toString().trim()).toBe('locked');
        holder.kill('SIGKILL');
        await once(holder, 'exit');
        expect(holder.signalCode).toBe('SIGKILL');

        expect(await store.acquireLock('refresh:17841405793187219', 10_000)).toBeNull();
        let release: Awaited<ReturnType<RedisTokenStore['acquireLock']>> = null;
        while (release === null && performance.now() - lockedAt < TTL + 3_000) {
          release = await store.acquireLock('refresh:17841405793187219', 10_000);
          if (release === null) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const gotAfter = performance.now() - lockedAt;
        expect(release).not.toBeNull();
        // Not before the dead holder's ttl ran out (less the time between its SET and its output).
        expect(gotAfter).toBeGreaterThan(TTL - 250);
        await release!();
      } finally {
        if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
        await store.close();
        const cleaner = connect();
        await deletePrefix(cleaner, keyPrefix);
        await cleaner.quit();
      }
    });
  });
}
