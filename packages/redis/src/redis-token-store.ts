/**
 * `RedisTokenStore`: threads-auth tokens in Redis, shared by every instance of an app, with a local read cache
 * kept coherent over Redis pub/sub.
 *
 * @module
 */
import { type DueQuery, type ReleaseLock, type StoredToken, ThreadsAuthOptionError, type TokenStore } from '@threads-auth/core';
import { type ChainableCommander, Redis } from 'ioredis';
import { ReadCache } from './read-cache.js';

/** Options of the local read cache of a {@link RedisTokenStore}. */
export interface RedisTokenStoreCacheOptions {
  /** How long a cached read may be served without asking Redis, in milliseconds. Default `5000`. */
  readonly ttlMs?: number;
  /** How many users to keep cached; the least recently used is evicted first. Default `10_000`. */
  readonly max?: number;
}

interface RedisTokenStoreCommonOptions {
  /** Prefix of every key and of the invalidation channel. Default `threads-auth:`. */
  readonly keyPrefix?: string;
  /**
   * The local read cache, or `false` to read Redis on every `get`. Default on: `{ ttlMs: 5000, max: 10_000 }`.
   * An instance with the cache off still publishes invalidations, so it can share Redis with cached ones.
   */
  readonly cache?: RedisTokenStoreCacheOptions | false;
  /** The clock that judges token expiry and cache age, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Options for {@link RedisTokenStore}: either an ioredis `client` you own (the store never quits it) or a
 * `url` the store connects to and owns (quit by {@link RedisTokenStore.close}).
 */
export type RedisTokenStoreOptions = RedisTokenStoreCommonOptions &
  (
    | {
        /** An ioredis client (standalone or Sentinel, not Cluster). The store duplicates it for its subscription. */
        readonly client: Redis;
        readonly url?: undefined;
      }
    | {
        /** A Redis URL, e.g. `redis://127.0.0.1:6379/0` or `rediss://user:pass@host:6380`. */
        readonly url: string;
        readonly client?: undefined;
      }
  );

const DEFAULT_KEY_PREFIX = 'threads-auth:';
const DEFAULT_CACHE_TTL_MS = 5_000;
const DEFAULT_CACHE_MAX = 10_000;
const LIST_DUE_PAGE = 200;

/** Deletes the lock only if it still holds this holder's value: a holder whose ttl ran out cannot free the next one. */
const RELEASE_LOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/**
 * A {@link TokenStore} in Redis: tokens shared by every instance of an app, refresh locks across instances,
 * one-time keys for replay protection, and a local read cache so the request path rarely waits on Redis.
 *
 * Key layout, with the default `keyPrefix` `threads-auth:`:
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `threads-auth:token:<userId>` | string, `PX` = time left until `expiresAt` | the record as JSON: `{"userId","sealed","issuedAt","expiresAt"}` |
 * | `threads-auth:due` | sorted set, score `expiresAt`, member `userId` | the index {@link RedisTokenStore.listDue} reads |
 * | `threads-auth:lock:<key>` | string, `NX PX ttl` | a random holder id; freed by a compare-and-delete script |
 * | `threads-auth:once:<key>` | string, `NX PX ttl` | `1` while the one-time key counts as used |
 * | channel `threads-auth:invalidate` | pub/sub | `<instanceId>:<userId>` after every `set` and `delete` |
 *
 * Every `set` and `delete` writes the token key and the index in one `MULTI` with its invalidation message.
 * Each instance subscribes to the channel on a duplicated connection it owns and drops the user from its cache
 * when another instance writes; its own writes update its cache at once. A read never serves a token past its
 * `expiresAt`, and never serves anything older than `cache.ttlMs` even if an invalidation was lost (a
 * reconnect of the subscription also empties the cache). Redis Cluster is not supported: the token key and the
 * index must be written in one transaction.
 *
 * @example
 * ```ts
 * import { RedisTokenStore } from '@threads-auth/redis';
 *
 * const store = new RedisTokenStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * await store.ready();
 * // createThreadsAuth({ ..., store })
 * ```
 */
export class RedisTokenStore implements TokenStore {
  /** The prefix of every key this store writes. */
  readonly keyPrefix: string;
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #subscriber: Redis | undefined;
  readonly #cache: ReadCache | undefined;
  readonly #channel: string;
  readonly #dueKey: string;
  readonly #instanceId = globalThis.crypto.randomUUID();
  readonly #now: () => number;
  readonly #subscribed: Promise<void>;
  /** True while the subscription is live, so the cache cannot miss an invalidation. */
  #coherent = false;
  #subscriptionLost = false;
  /** Bumped on every write and invalidation: a read that straddles one must not fill the cache. */
  #generation = 0;
  #closing: Promise<void> | undefined;

  /**
   * @param options - A `client` or a `url`, plus `keyPrefix`, `cache` and `now`; see {@link RedisTokenStoreOptions}.
   * @throws ThreadsAuthOptionError (`ERR_THREADS_AUTH_OPTION`) when neither or both of `client` and `url` are
   * given, or when `keyPrefix` or `cache` is invalid.
   */
  constructor(options: RedisTokenStoreOptions) {
    const { client, url } = options as { client?: unknown; url?: unknown };
    if ((client === undefined) === (url === undefined)) {
      throw new ThreadsAuthOptionError('client', 'or "url" is required, not both: pass an ioredis client you own, or a Redis URL the store connects to.');
    }
    if (url !== undefined && (typeof url !== 'string' || url === '')) {
      throw new ThreadsAuthOptionError('url', 'must be a Redis URL string, e.g. redis://127.0.0.1:6379.');
    }
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (typeof keyPrefix !== 'string') throw new ThreadsAuthOptionError('keyPrefix', 'must be a string, e.g. "threads-auth:".');
    const cache = readCacheOptions(options.cache);

    this.keyPrefix = keyPrefix;
    this.#channel = `${keyPrefix}invalidate`;
    this.#dueKey = `${keyPrefix}due`;
    this.#now = options.now ?? Date.now;
    this.#ownsClient = url !== undefined;
    this.#client = url !== undefined ? new Redis(url as string) : (client as Redis);

    if (cache === undefined) {
      this.#subscribed = Promise.resolve();
      return;
    }
    this.#cache = new ReadCache(cache.ttlMs, cache.max);
    const subscriber = this.#client.duplicate();
    this.#subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => this.#onInvalidation(channel, message));
    subscriber.on('close', () => {
      this.#coherent = false;
      this.#subscriptionLost = true;
      this.#forgetAll();
    });
    subscriber.on('ready', () => {
      if (!this.#subscriptionLost || this.#closing !== undefined) return;
      this.#subscriptionLost = false;
      // ioredis resubscribes by itself; subscribing again tells us when it has happened.
      this.#subscribe().catch(() => {});
    });
    this.#subscribed = this.#subscribe();
    this.#subscribed.catch(() => {});
  }

  /**
   * Resolves once the invalidation subscription is active (at once when the cache is off). Until then reads go
   * to Redis, so awaiting it is only needed to get the cache's benefit from the first request, and in tests.
   *
   * @throws The connection error when the subscription could not be made.
   */
  ready(): Promise<void> {
    return this.#subscribed;
  }

  /**
   * The stored token for `userId`, or `null`; from the local cache when fresh, unless `options.consistent`.
   *
   * @throws Error when the key holds something that is not a token record (another app sharing the prefix).
   */
  async get(userId: string, options?: { readonly consistent?: boolean }): Promise<StoredToken | null> {
    const cache = this.#cache;
    if (options?.consistent !== true) {
      const cached = this.peek(userId);
      if (cached !== undefined) return cached;
    }
    const generation = this.#generation;
    const raw = await this.#client.get(this.#tokenKey(userId));
    const token = raw === null ? null : decodeRecord(userId, raw, this.#tokenKey(userId));
    if (cache !== undefined && this.#coherent && generation === this.#generation) cache.set(userId, token, this.#now());
    return this.#live(token);
  }

  /**
   * What the local read cache holds for `userId`, synchronously: the token, `null` for a cached miss, or
   * `undefined` when nothing fresh is cached (or the cache is off or not coherent). Lets threads-auth answer a
   * logged-in request without a promise round.
   */
  peek(userId: string): StoredToken | null | undefined {
    const cache = this.#cache;
    if (cache === undefined || !this.#coherent) return undefined;
    const hit = cache.get(userId, this.#now());
    return hit === undefined ? undefined : this.#live(hit.token);
  }

  /** Stores `token`, replacing the user's previous one, and tells every other instance to drop its cached copy. */
  async set(token: StoredToken): Promise<void> {
    const now = this.#now();
    const record: StoredToken = Object.freeze({
      userId: token.userId,
      sealed: token.sealed,
      issuedAt: token.issuedAt,
      expiresAt: token.expiresAt,
    });
    const key = this.#tokenKey(record.userId);
    const ttlMs = Math.ceil(record.expiresAt - now);
    const tx = this.#client.multi();
    if (ttlMs > 0) {
      tx.set(key, JSON.stringify(record), 'PX', ttlMs).zadd(this.#dueKey, record.expiresAt, record.userId);
    } else {
      // Storing a token that has already expired is forgetting the user's token.
      tx.del(key).zrem(this.#dueKey, record.userId);
    }
    // Index entries of tokens whose key Redis already expired are swept here, so the index stays bounded.
    tx.zremrangebyscore(this.#dueKey, '-inf', now).publish(this.#channel, this.#invalidation(record.userId));
    const generation = this.#generation;
    await execAll(tx);
    this.#afterWrite(record.userId, ttlMs > 0 ? record : null, generation);
  }

  /** Forgets the user's token everywhere. Resolves `true` when there was one. */
  async delete(userId: string): Promise<boolean> {
    this.#cache?.delete(userId);
    const tx = this.#client
      .multi()
      .del(this.#tokenKey(userId))
      .zrem(this.#dueKey, userId)
      .publish(this.#channel, this.#invalidation(userId));
    const generation = this.#generation;
    const [deleted] = await execAll(tx);
    this.#afterWrite(userId, null, generation);
    return deleted === 1;
  }

  /**
   * Tokens issued at or before `issuedBefore` that expire in `(expiresAfter, expiresBefore]`, soonest expiry
   * first, at most `limit`. Reads the `due` index by score in pages and checks each record's own times.
   */
  async listDue(query: DueQuery): Promise<StoredToken[]> {
    const limit = Math.floor(query.limit);
    const due: StoredToken[] = [];
    if (!(limit > 0)) return due;
    const min = `(${scoreBound(query.expiresAfter)}`;
    const max = scoreBound(query.expiresBefore);
    for (let offset = 0; due.length < limit; offset += LIST_DUE_PAGE) {
      const userIds = await this.#client.zrangebyscore(this.#dueKey, min, max, 'LIMIT', offset, LIST_DUE_PAGE);
      if (userIds.length === 0) break;
      const raws = await this.#client.mget(userIds.map((id) => this.#tokenKey(id)));
      userIds.forEach((userId, i) => {
        const raw = raws[i];
        if (raw === null || raw === undefined) return;
        const token = decodeRecord(userId, raw, this.#tokenKey(userId));
        // A record replaced between the two reads may no longer match: judge the record, not the index.
        if (token.issuedAt <= query.issuedBefore && token.expiresAt <= query.expiresBefore && token.expiresAt > query.expiresAfter) {
          due.push(token);
        }
      });
      if (userIds.length < LIST_DUE_PAGE) break;
    }
    return due.sort((a, b) => a.expiresAt - b.expiresAt).slice(0, limit);
  }

  /**
   * Takes the lock `key` for at most `ttlMs` with `SET <prefix>lock:<key> <random holder> NX PX ttlMs`.
   * The release function deletes the key only while it still holds this holder's value (a Lua
   * compare-and-delete), so a holder whose ttl ran out cannot free the lock of the next holder.
   *
   * @returns A release function, or `null` when the lock is held.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number.
   */
  async acquireLock(key: string, ttlMs: number): Promise<ReleaseLock | null> {
    const lockKey = `${this.keyPrefix}lock:${key}`;
    const holder = globalThis.crypto.randomUUID();
    const taken = await this.#client.set(lockKey, holder, 'PX', toTtl(ttlMs), 'NX');
    if (taken !== 'OK') return null;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.#client.eval(RELEASE_LOCK_SCRIPT, 1, lockKey, holder);
    };
  }

  /**
   * Marks the one-time `key` used for `ttlMs` with `SET <prefix>once:<key> 1 NX PX ttlMs`.
   *
   * @returns `true` the first time, `false` on every later call while the key lives.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number.
   */
  async consumeOnce(key: string, ttlMs: number): Promise<boolean> {
    const taken = await this.#client.set(`${this.keyPrefix}once:${key}`, '1', 'PX', toTtl(ttlMs), 'NX');
    return taken === 'OK';
  }

  /**
   * Closes the subscription connection, and the client too when the store created it from `url`. A client
   * passed as `client` is left open. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#coherent = false;
      this.#forgetAll();
      if (this.#subscriber !== undefined) await quit(this.#subscriber);
      if (this.#ownsClient) await quit(this.#client);
    })();
    return this.#closing;
  }

  #tokenKey(userId: string): string {
    return `${this.keyPrefix}token:${userId}`;
  }

  #invalidation(userId: string): string {
    return `${this.#instanceId}:${userId}`;
  }

  #live(token: StoredToken | null): StoredToken | null {
    return token !== null && token.expiresAt > this.#now() ? token : null;
  }

  #afterWrite(userId: string, token: StoredToken | null, generationBefore: number): void {
    const cache = this.#cache;
    if (cache !== undefined) {
      // Anything that happened during the write (another write, an invalidation) may be newer than ours.
      if (this.#coherent && generationBefore === this.#generation) cache.set(userId, token, this.#now());
      else cache.delete(userId);
    }
    this.#generation++;
  }

  #onInvalidation(channel: string, message: string): void {
    if (channel !== this.#channel) return;
    const separator = message.indexOf(':');
    if (separator < 0 || message.slice(0, separator) === this.#instanceId) return;
    this.#cache?.delete(message.slice(separator + 1));
    this.#generation++;
  }

  #forgetAll(): void {
    this.#cache?.clear();
    this.#generation++;
  }

  async #subscribe(): Promise<void> {
    await this.#subscriber!.subscribe(this.#channel);
    if (this.#closing !== undefined) return;
    this.#forgetAll();
    this.#coherent = true;
  }
}

function readCacheOptions(cache: RedisTokenStoreCacheOptions | false | undefined): Required<RedisTokenStoreCacheOptions> | undefined {
  if (cache === false) return undefined;
  if (cache !== undefined && (typeof cache !== 'object' || cache === null)) {
    throw new ThreadsAuthOptionError('cache', 'must be false or { ttlMs?, max? }.');
  }
  const ttlMs = cache?.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const max = cache?.max ?? DEFAULT_CACHE_MAX;
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new ThreadsAuthOptionError('cache.ttlMs', 'must be a positive number of milliseconds.');
  if (!(Number.isInteger(max) && max > 0)) throw new ThreadsAuthOptionError('cache.max', 'must be a positive integer.');
  return { ttlMs, max };
}

function decodeRecord(userId: string, raw: string, key: string): StoredToken {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const record = value as Partial<Record<keyof StoredToken, unknown>> | undefined;
  if (
    typeof record !== 'object' ||
    record === null ||
    record.userId !== userId ||
    typeof record.sealed !== 'string' ||
    typeof record.issuedAt !== 'number' ||
    typeof record.expiresAt !== 'number'
  ) {
    throw new Error(`threads-auth: Redis key "${key}" does not hold a threads-auth token record; is another app using keyPrefix?`);
  }
  return Object.freeze({ userId, sealed: record.sealed, issuedAt: record.issuedAt, expiresAt: record.expiresAt });
}

/** Executes a MULTI and surfaces the first failed command, which ioredis would otherwise leave in the results. */
async function execAll(tx: ChainableCommander): Promise<unknown[]> {
  const results = await tx.exec();
  if (results === null) throw new Error('threads-auth: Redis aborted the transaction.');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function scoreBound(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return '+inf';
  if (ms === Number.NEGATIVE_INFINITY) return '-inf';
  return String(ms);
}

function toTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new ThreadsAuthOptionError('ttlMs', 'must be a positive number of milliseconds.');
  return Math.ceil(ttlMs);
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
