/**
 * Type tests of the public surface, checked by `tsc`: `client` takes every supported kind without a cast
 * (ioredis `Redis` and `Cluster`, node-redis 4 and 5), and the option mistakes the constructor
 * refuses at run time are refused by the types too where they can be.
 */
import type { StoredSession, TokenStore } from '@threads-auth/core';
import { Cluster, Redis } from 'ioredis';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient5 } from 'redis-v5';
import { describe, expectTypeOf, it } from 'vitest';
import type { RedisClientLike, RedisTokenStore, RedisTokenStoreOptions, RedisTokenStoreTimeoutError } from '../src/index.js';

describe('@threads-auth/redis types', () => {
  it('accepts every supported client kind as `client`, without casts', () => {
    const lazy = { lazyConnect: true } as const;
    expectTypeOf(new Redis(lazy)).toExtend<RedisClientLike>();
    expectTypeOf(new Cluster([], lazy)).toExtend<RedisClientLike>();
    expectTypeOf(createClient4()).toExtend<RedisClientLike>();
    expectTypeOf(createClient5()).toExtend<RedisClientLike>();
    expectTypeOf<RedisTokenStoreOptions>().toHaveProperty('timeoutMs').toEqualTypeOf<number | undefined>();
  });

  it('implements every optional TokenStore method, peekSession included', () => {
    expectTypeOf<RedisTokenStore>().toExtend<Required<Omit<TokenStore, 'close'>>>();
    expectTypeOf<RedisTokenStore['peekSession']>().returns.toEqualTypeOf<StoredSession | null | undefined>();
    expectTypeOf<RedisTokenStoreTimeoutError['code']>().toEqualTypeOf<'ERR_THREADS_AUTH_REDIS_TIMEOUT'>();
    expectTypeOf<RedisTokenStoreTimeoutError>().toExtend<Error>();
  });

  it('refuses both or neither of client and url', () => {
    const redis = new Redis({ lazyConnect: true });
    // @ts-expect-error client and url are exclusive
    const both: RedisTokenStoreOptions = { client: redis, url: 'redis://127.0.0.1:6379' };
    // @ts-expect-error one of them is required
    const neither: RedisTokenStoreOptions = { keyPrefix: 'app:' };
    // @ts-expect-error a plain object is no client
    const notAClient: RedisTokenStoreOptions = { client: { get: () => null } };
    void [both, neither, notAClient];
    redis.disconnect();
  });
});
