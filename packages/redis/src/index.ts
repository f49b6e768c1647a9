/**
 * `@threads-auth/redis`: a Redis {@link RedisTokenStore} for threads-auth, for apps that run more than one
 * instance.
 *
 * @module
 */
export { RedisTokenStore, type RedisTokenStoreCacheOptions, type RedisTokenStoreOptions } from './redis-token-store.js';
