/**
 * `@threads-auth/redis`: a Redis {@link RedisTokenStore} for threads-auth, for apps that run more than one
 * instance: standalone Redis, Sentinel or Redis Cluster, through ioredis or node-redis.
 *
 * @module
 */
export type { NodeRedisClient, RedisClientLike } from './connection.js';
export {
  RedisTokenStore,
  RedisTokenStoreTimeoutError,
  type RedisTokenStoreCacheOptions,
  type RedisTokenStoreOptions,
} from './redis-token-store.js';
