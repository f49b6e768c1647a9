import { describeTokenStoreContract } from '@threads-auth/contract-tests/store';
import type { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis-v6';
import { REDIS_URL, probeRedis, redisFixture } from './redis-server.js';

const unavailable = await probeRedis();

describeTokenStoreContract('RedisTokenStore', redisFixture(unavailable));

describeTokenStoreContract('RedisTokenStore with the cache off', redisFixture(unavailable, { cache: false }));

// The peer range allows ioredis 6, which speaks RESP3 and delivers pub/sub as push frames.
describeTokenStoreContract(
  'RedisTokenStore on ioredis 6',
  redisFixture(unavailable, {}, () => new Redis6(REDIS_URL) as unknown as Redis),
);
