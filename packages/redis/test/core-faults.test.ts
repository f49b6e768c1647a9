/** threads-auth on a real Redis behind a fault proxy: never-lost refreshes, bounded calls, recovery. */
import { describeStoreFaults } from '@threads-auth/contract-tests/store-faults';
import { Redis } from 'ioredis';
import { RedisTokenStore } from '../src/index.js';
import { REDIS_URL, deletePrefix, probeRedis } from './redis-server.js';

const unavailable = await probeRedis();
const url = new URL(REDIS_URL);

describeStoreFaults(
  'RedisTokenStore',
  unavailable !== undefined
    ? { skip: unavailable }
    : {
        host: url.hostname,
        port: Number(url.port || 6379),
        async cleanup(scope) {
          const client = new Redis(REDIS_URL);
          await deletePrefix(client, scope);
          await client.quit();
        },
      },
  // No read cache: a stalled store must be seen, not hidden for the cache's ttl.
  (address, scope) => new RedisTokenStore({ url: `redis://${address.host}:${address.port}`, keyPrefix: scope, timeoutMs: 800, cache: false }),
);
