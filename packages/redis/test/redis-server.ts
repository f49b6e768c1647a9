/**
 * The Redis server the tests run against (`REDIS_URL`, default `redis://127.0.0.1:6379`): a probe that says
 * why it cannot be reached, and isolated fixtures (a random key prefix each, deleted afterwards).
 */
import type { TokenStoreFixture, TokenStoreUnavailable } from '@threads-auth/contract-tests/store';
import { Redis, type RedisOptions } from 'ioredis';
import { type RedisClientLike, RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** `REDIS_URL` without its password, fit for a test name. */
export const REDIS_URL_SHOWN = REDIS_URL.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Resolves `undefined` when Redis answers PING, or the reason it does not. */
export async function probeRedis(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let connectionError: Error | undefined;
  client.on('error', (error: Error) => {
    connectionError = error;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    // ioredis rejects with "Connection is closed."; the socket's own error says why.
    const cause = connectionError ?? (error as Error);
    return `Redis unavailable at ${REDIS_URL_SHOWN} (${cause.message || String(cause)})`;
  } finally {
    client.disconnect();
  }
}

/** A fresh key prefix no other test or run uses. */
export function uniquePrefix(): string {
  return `threads-auth-test:${globalThis.crypto.randomUUID()}:`;
}

/** Deletes every key under `prefix`: `<prefix>…` (locks, one-time keys) and `{<prefix>}…` (tokens, sessions). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}*`, `{${prefix}}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await client.del(key);
    } while (cursor !== '0');
  }
}

/** A connection of the tests' own, named so a test can find (and kill) the store's duplicate of it. */
export function connect(options: RedisOptions = {}): Redis {
  return new Redis(REDIS_URL, options);
}

/** A client for a fixture, and how to close it. */
export interface FixtureClient {
  readonly client: RedisClientLike;
  quit(): Promise<unknown>;
}

/**
 * The contract fixture: a store on a client of its own with a random prefix, cleaned and closed afterwards.
 * `makeClient` lets a suite run the store on another client (ioredis 6, node-redis 4 or 5).
 */
export function redisFixture(
  unavailable: string | undefined,
  storeOptions: Omit<RedisTokenStoreOptions, 'client' | 'url'> = {},
  makeClient: () => Promise<FixtureClient> | FixtureClient = () => {
    const client = connect();
    return { client, quit: () => client.quit() };
  },
): () => Promise<TokenStoreFixture | TokenStoreUnavailable> {
  return async () => {
    if (unavailable !== undefined) return { skip: unavailable };
    const { client, quit } = await makeClient();
    const keyPrefix = uniquePrefix();
    const store = new RedisTokenStore({ ...storeOptions, client, keyPrefix });
    await store.ready();
    return {
      store,
      cleanup: async () => {
        await store.close();
        const cleaner = connect();
        await deletePrefix(cleaner, keyPrefix);
        await cleaner.quit();
        await quit();
      },
    };
  };
}
