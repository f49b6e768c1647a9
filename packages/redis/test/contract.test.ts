import { describeTokenStoreContract } from '@threads-auth/contract-tests/store';
import type { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis-v6';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient5 } from 'redis-v5';
import { type FixtureClient, REDIS_URL, probeRedis, redisFixture } from './redis-server.js';

const unavailable = await probeRedis();

describeTokenStoreContract('RedisTokenStore', redisFixture(unavailable));

describeTokenStoreContract('RedisTokenStore with the cache off', redisFixture(unavailable, { cache: false }));

// The peer range allows ioredis 6, which speaks RESP3 and delivers pub/sub as push frames.
describeTokenStoreContract(
  'RedisTokenStore on ioredis 6',
  redisFixture(unavailable, {}, () => {
    const client = new Redis6(REDIS_URL) as unknown as Redis;
    return { client, quit: () => client.quit() };
  }),
);

// node-redis, both majors in the peer range, detected from the client itself (no cast: the option accepts both).
async function nodeRedis4(): Promise<FixtureClient> {
  const client = createClient4({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  return { client, quit: () => client.quit() };
}

async function nodeRedis5(): Promise<FixtureClient> {
  const client = createClient5({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  return { client, quit: () => client.close() };
}

describeTokenStoreContract('RedisTokenStore on node-redis 4', redisFixture(unavailable, {}, nodeRedis4));

describeTokenStoreContract('RedisTokenStore on node-redis 5', redisFixture(unavailable, {}, nodeRedis5));

describeTokenStoreContract('RedisTokenStore on node-redis 5 with the cache off', redisFixture(unavailable, { cache: false }, nodeRedis5));
