/**
 * RedisTokenStore on a real Redis Cluster (three redis-server masters on free ports, started and stopped here)
 * through ioredis' `Cluster`: the whole store contract, plus what only a cluster can show — every token and
 * session key of a store in one slot, locks spread over the nodes, and invalidations that reach a subscriber
 * on any node.
 */
import { describeTokenStoreContract, describeUnavailable } from '@threads-auth/contract-tests/store';
import type { StoredToken } from '@threads-auth/core';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { deletePrefix, uniquePrefix } from './redis-server.js';
import { type RedisClusterProcesses, startRedisCluster } from './redis-processes.js';

const DAY = 86_400_000;
const started = await startRedisCluster();
const cluster: RedisClusterProcesses | undefined = 'skip' in started ? undefined : started;

afterAll(async () => {
  await cluster?.stop();
});

function connectCluster(nodes: RedisClusterProcesses['nodes']): Cluster {
  const client = new Cluster([...nodes], { redisOptions: { maxRetriesPerRequest: 2 } });
  client.on('error', () => {});
  return client;
}

/** Deletes the prefix's keys on every node (SCAN is per node on a cluster). */
async function deleteOnEveryNode(nodes: RedisClusterProcesses['nodes'], keyPrefix: string): Promise<void> {
  for (const node of nodes) {
    const client = new Redis(node.port, node.host);
    await deletePrefix(client, keyPrefix);
    await client.quit();
  }
}

function clusterFixture(nodes: RedisClusterProcesses['nodes'], options: Omit<RedisTokenStoreOptions, 'client' | 'url'> = {}) {
  return async () => {
    const client = connectCluster(nodes);
    const keyPrefix = uniquePrefix();
    const store = new RedisTokenStore({ ...options, client, keyPrefix });
    await store.ready();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await client.quit();
        await deleteOnEveryNode(nodes, keyPrefix);
      },
    };
  };
}

if (cluster === undefined) {
  describeUnavailable('RedisTokenStore on Redis Cluster', (started as { skip: string }).skip);
} else {
  const { nodes } = cluster;

  describeTokenStoreContract('RedisTokenStore on Redis Cluster (ioredis Cluster)', clusterFixture(nodes));
  describeTokenStoreContract('RedisTokenStore on Redis Cluster with the cache off', clusterFixture(nodes, { cache: false }));

  describe('RedisTokenStore on Redis Cluster (cluster-specific)', () => {
    const disposers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    function setup() {
      const keyPrefix = uniquePrefix();
      const admin = connectCluster(nodes);
      disposers.push(async () => {
        await admin.quit();
        await deleteOnEveryNode(nodes, keyPrefix);
      });
      return { keyPrefix, admin };
    }

    async function storeOn(keyPrefix: string, options: Omit<RedisTokenStoreOptions, 'client' | 'url' | 'keyPrefix'> = {}) {
      const client = connectCluster(nodes);
      const store = new RedisTokenStore({ ...options, client, keyPrefix });
      disposers.push(async () => {
        await store.close();
        await client.quit();
      });
      await store.ready();
      return store;
    }

    function token(userId: string, sealed: string, expiresAt = Date.now() + 30 * DAY): StoredToken {
      return { userId, sealed, issuedAt: Date.now() - DAY, expiresAt };
    }

    it('keeps every token and session key of a store in one slot, and spreads locks over the nodes', async () => {
      const { keyPrefix, admin } = setup();
      const store = await storeOn(keyPrefix);
      await store.set(token('17841405793187219', 's1'));
      await store.set(token('u2', 's2'));
      await store.setSession({ id: 'sess-1', userId: 'u2', expiresAt: Date.now() + DAY });
      const tagged = [
        `{${keyPrefix}}token:17841405793187219`,
        `{${keyPrefix}}token:u2`,
        `{${keyPrefix}}due`,
        `{${keyPrefix}}session:sess-1`,
        `{${keyPrefix}}user-sessions:u2`,
      ];
      const slots = await Promise.all(tagged.map((key) => admin.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
      for (const key of tagged) expect(await admin.exists(key)).toBe(1);

      // Locks are single keys: 30 of them land on more than one node.
      const lockSlots = await Promise.all(Array.from({ length: 30 }, (_, i) => admin.cluster('KEYSLOT', `${keyPrefix}lock:refresh:${i}`)));
      const owners = new Set(lockSlots.map((slot) => ownerOf(slot)));
      expect(owners.size).toBeGreaterThan(1);
      const releases = await Promise.all(Array.from({ length: 30 }, (_, i) => store.acquireLock(`refresh:${i}`, 5_000)));
      expect(releases.every((release) => release !== null)).toBe(true);
      await Promise.all(releases.map((release) => release!()));

      function ownerOf(slot: number): string {
        const ranges = admin.slots[slot];
        return ranges?.[0] ?? 'unknown';
      }
    });

    it('publishes invalidations that a subscriber on every node receives (classic pub/sub is cluster-wide)', async () => {
      const { keyPrefix } = setup();
      const store = await storeOn(keyPrefix, { cache: false });
      const received: string[][] = nodes.map(() => []);
      const subscribers = await Promise.all(
        nodes.map(async (node, i) => {
          const subscriber = new Redis(node.port, node.host);
          subscriber.on('message', (_channel: string, message: string) => received[i]!.push(message));
          await subscriber.subscribe(`${keyPrefix}invalidate`);
          return subscriber;
        }),
      );
      disposers.push(async () => {
        for (const subscriber of subscribers) await subscriber.quit();
      });
      await store.set(token('u1', 'v1'));
      await store.deleteSession('nope');
      await vi.waitFor(() => {
        for (const messages of received) {
          expect(messages).toHaveLength(2);
          expect(messages[0]).toMatch(/^[0-9a-f-]{36}:t:u1$/);
          expect(messages[1]).toMatch(/^[0-9a-f-]{36}:s:nope$/);
        }
      });
    });

    it('keeps two instances coherent: a logout on one stops the other from serving the session from its cache', async () => {
      const { keyPrefix } = setup();
      // A long ttl: only the invalidation message can explain b dropping its cached copy.
      const a = await storeOn(keyPrefix, { cache: { ttlMs: 60_000 } });
      const b = await storeOn(keyPrefix, { cache: { ttlMs: 60_000 } });
      const session = { id: 'sess-logout', userId: 'u1', expiresAt: Date.now() + DAY };
      await a.setSession(session);
      // Once a's own invalidation of the new session has passed b, a read fills b's cache.
      await vi.waitFor(async () => {
        expect(await b.getSession(session.id)).toEqual(session);
        expect(b.peekSession(session.id)).toEqual(session);
      });
      expect(await a.deleteSession(session.id)).toBe(true);
      await vi.waitFor(() => expect(b.peekSession(session.id)).toBeUndefined(), { timeout: 2_000, interval: 5 });
      expect(await b.getSession(session.id)).toBeNull();

      await a.set(token('u1', 'v1'));
      expect((await b.get('u1'))?.sealed).toBe('v1');
      await a.set(token('u1', 'v2'));
      await vi.waitFor(async () => expect((await b.get('u1'))?.sealed).toBe('v2'), { timeout: 2_000, interval: 10 });
    });
  });
}
