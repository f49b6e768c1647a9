/**
 * `RedisTokenStore`: threads-auth tokens and sessions in Redis (standalone, Sentinel or Cluster; through ioredis
 * or node-redis), shared by every instance of an app, with local read caches kept coherent over Redis pub/sub.
 *
 * @module
 */
import {
  type DueQuery,
  type ReleaseLock,
  type StoredSession,
  type StoredToken,
  ThreadsAuthOptionError,
  type TokenStore,
} from '@threads-auth/core';
import { Redis } from 'ioredis';
import {
  type NodeRedisClient,
  type RedisClientLike,
  type RedisConnection,
  type Subscription,
  clientKind,
  ioredisConnection,
  nodeRedisConnection,
} from './connection.js';
import { compareDue, dueMember, dueRange, endOfExpiry, memberUserId } from './due-index.js';
import { ReadCache } from './read-cache.js';
import { CLAIM_DUE, DELETE_SESSION, RELEASE_CLAIMS, DELETE_SESSIONS, DELETE_TOKEN, RELEASE_LOCK, SET_SESSION, SET_TOKEN } from './scripts.js';

/** Options of the local read caches of a {@link RedisTokenStore}. */
export interface RedisTokenStoreCacheOptions {
  /** How long a cached read may be served without asking Redis, in milliseconds. Default `5000`. */
  readonly ttlMs?: number;
  /** How many users (and, separately, how many sessions) to keep cached; least recently used evicted first. Default `10_000`. */
  readonly max?: number;
}

interface RedisTokenStoreCommonOptions {
  /**
   * Prefix of every key and of the invalidation channel. Default `threads-auth:`. Must not be empty nor contain
   * `{` or `}`: the store puts it in a hash tag of its own (see the key layout).
   */
  readonly keyPrefix?: string;
  /**
   * The local read caches (tokens by user, sessions by id), or `false` to read Redis on every `get`/`getSession`.
   * Default on: `{ ttlMs: 5000, max: 10_000 }`. An instance with the cache off still publishes invalidations, so
   * it can share Redis with cached ones.
   */
  readonly cache?: RedisTokenStoreCacheOptions | false;
  /**
   * The most any store call may take, in milliseconds, after which it rejects with a
   * {@link RedisTokenStoreTimeoutError} (a Redis that hangs must not hang requests). Default `3000`.
   */
  readonly timeoutMs?: number;
  /** The clock that judges expiry and cache age, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Options for {@link RedisTokenStore}: either a `client` you own (the store never closes it) or a `url` the store
 * connects to with ioredis and owns (closed by {@link RedisTokenStore.close}).
 */
export type RedisTokenStoreOptions = RedisTokenStoreCommonOptions &
  (
    | {
        /**
         * An ioredis `Redis` (standalone or Sentinel) or `Cluster`, or a connected node-redis client
         * (`createClient()` of `redis` 4 or 5, with an `'error'` listener). The kind is detected. The store
         * duplicates it once for its subscription (only when the cache is on).
         */
        readonly client: RedisClientLike;
        readonly url?: undefined;
      }
    | {
        /** A Redis URL, e.g. `redis://127.0.0.1:6379/0` or `rediss://user:pass@host:6380`. */
        readonly url: string;
        readonly client?: undefined;
      }
  );

/** A store call that Redis did not answer within `timeoutMs`. The command may still reach Redis later. */
export class RedisTokenStoreTimeoutError extends Error {
  override readonly name = 'RedisTokenStoreTimeoutError';
  /** Always `ERR_THREADS_AUTH_REDIS_TIMEOUT`. */
  readonly code = 'ERR_THREADS_AUTH_REDIS_TIMEOUT';
  /** The store method that timed out, e.g. `get`. */
  readonly operation: string;
  /** The bound that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number) {
    super(`threads-auth: Redis did not answer RedisTokenStore.${operation}() within ${timeoutMs} ms (option "timeoutMs").`);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

const DEFAULT_KEY_PREFIX = 'threads-auth:';
const DEFAULT_CACHE_TTL_MS = 5_000;
const DEFAULT_CACHE_MAX = 10_000;
const DEFAULT_TIMEOUT_MS = 3_000;
const MAX_TIMEOUT_MS = 2_147_483_647;
const LIST_DUE_PAGE = 200;
/** How many pages of the index one claiming step ({@link CLAIM_DUE}) reads at most. */
const CLAIM_STEPS = 8;

/**
 * A {@link TokenStore} in Redis: tokens and sessions shared by every instance of an app, refresh locks across
 * instances, one-time keys for replay protection, and local read caches so the request path rarely waits on
 * Redis.
 *
 * Key layout, with the default `keyPrefix` `threads-auth:` (the hash tag `{threads-auth:}` keeps every token and
 * session key in one Redis Cluster slot, so each write is one atomic script):
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `{threads-auth:}token:<userId>` | string, `PX` = time left until `expiresAt` | the record as JSON: `{"userId","sealed","issuedAt","expiresAt"}` |
 * | `{threads-auth:}due` | sorted set, every score 0, member `<expiresAt, 16 digits>:<userId>` | the index {@link RedisTokenStore.listDue} reads in lexicographic order |
 * | `{threads-auth:}claims` | sorted set, score = claimed until (ms), member user id | which due tokens an upkeep worker has listed (`DueQuery.claim`), so other workers list past them |
 * | `{threads-auth:}claims:owners` | hash, user id → owner | which worker holds each claim |
 * | `{threads-auth:}claims:by:<owner>` | set of user ids, `PX` = its newest claim's | what {@link RedisTokenStore.releaseClaims} ends |
 * | `{threads-auth:}session:<id>` | string, `PX` = time left until `expiresAt` | the session as JSON: `{"id","userId","expiresAt"}` |
 * | `{threads-auth:}user-sessions:<userId>` | sorted set, score `expiresAt`, member session id | the sessions {@link RedisTokenStore.deleteSessions} ends |
 * | `threads-auth:lock:<key>` | string, `NX PX ttl` | a random holder id; freed by a compare-and-delete script |
 * | `threads-auth:once:<key>` | string, `NX PX ttl` | `1` while the one-time key counts as used |
 * | channel `threads-auth:invalidate` | pub/sub | `<instanceId>:t:<userId>` / `<instanceId>:s:<sessionId>` after every write |
 *
 * Each instance subscribes to the channel on a duplicated connection it owns and drops the user or session from
 * its cache when another instance writes; its own writes update its cache at once. A read never serves a record
 * past its `expiresAt`, and never serves anything older than `cache.ttlMs` even if an invalidation was lost (a
 * reconnect of the subscription also empties the caches).
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
  /** The bound of every store call, in milliseconds. */
  readonly timeoutMs: number;
  readonly #redis: RedisConnection;
  readonly #ownsClient: boolean;
  readonly #subscription: Subscription | undefined;
  readonly #tokens: ReadCache<StoredToken> | undefined;
  readonly #sessions: ReadCache<StoredSession> | undefined;
  readonly #channel: string;
  readonly #tag: string;
  readonly #dueKey: string;
  readonly #claimsKey: string;
  readonly #instanceId = globalThis.crypto.randomUUID();
  readonly #now: () => number;
  readonly #subscribed: Promise<void>;
  /** True while the subscription is live, so the caches cannot miss an invalidation. */
  #coherent = false;
  /** Bumped on every write and invalidation: a read that straddles one must not fill a cache. */
  #generation = 0;
  #closing: Promise<void> | undefined;

  /**
   * @param options - A `client` or a `url`, plus `keyPrefix`, `cache`, `timeoutMs` and `now`; see
   * {@link RedisTokenStoreOptions}.
   * @throws ThreadsAuthOptionError (`ERR_THREADS_AUTH_OPTION`) when neither or both of `client` and `url` are
   * given, when `client` is no client the store knows (or a node-redis cluster), or when `keyPrefix`, `cache`
   * or `timeoutMs` is invalid.
   */
  constructor(options: RedisTokenStoreOptions) {
    const { client, url } = options as { client?: unknown; url?: unknown };
    if ((client === undefined) === (url === undefined)) {
      throw new ThreadsAuthOptionError('client', 'or "url" is required, not both: pass a Redis client you own, or a Redis URL the store connects to.');
    }
    if (url !== undefined && (typeof url !== 'string' || url === '')) {
      throw new ThreadsAuthOptionError('url', 'must be a Redis URL string, e.g. redis://127.0.0.1:6379.');
    }
    const kind = client === undefined ? 'ioredis' : clientKind(client);
    if (kind === undefined) {
      throw new ThreadsAuthOptionError('client', 'must be an ioredis Redis or Cluster, or a node-redis client (createClient() of redis 4 or 5).');
    }
    if (kind === 'node-redis-cluster') {
      throw new ThreadsAuthOptionError('client', 'is a node-redis cluster, which RedisTokenStore does not support: pass an ioredis Cluster for Redis Cluster.');
    }
    if (kind === 'node-redis' && !(client as NodeRedisClient).isOpen) {
      throw new ThreadsAuthOptionError('client', 'is a node-redis client that is not open: call `await client.connect()` before creating the store.');
    }
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (typeof keyPrefix !== 'string' || keyPrefix === '' || /[{}]/.test(keyPrefix)) {
      throw new ThreadsAuthOptionError('keyPrefix', 'must be a non-empty string without "{" or "}" (the store wraps it in a hash tag), e.g. "threads-auth:".');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new ThreadsAuthOptionError('timeoutMs', `must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}, e.g. 3000.`);
    }
    const cache = readCacheOptions(options.cache);

    this.keyPrefix = keyPrefix;
    this.timeoutMs = timeoutMs;
    this.#tag = `{${keyPrefix}}`;
    this.#channel = `${keyPrefix}invalidate`;
    this.#dueKey = `${this.#tag}due`;
    this.#claimsKey = `${this.#tag}claims`;
    this.#now = options.now ?? Date.now;
    this.#ownsClient = url !== undefined;
    this.#redis =
      url !== undefined
        ? ioredisConnection(ownClient(url as string))
        : kind === 'node-redis'
          ? nodeRedisConnection(client as NodeRedisClient)
          : ioredisConnection(client as Redis);

    if (cache === undefined) {
      this.#subscribed = Promise.resolve();
      return;
    }
    this.#tokens = new ReadCache(cache.ttlMs, cache.max);
    this.#sessions = new ReadCache(cache.ttlMs, cache.max);
    const subscription = this.#redis.subscribe(this.#channel, {
      message: (message) => this.#onInvalidation(message),
      down: () => {
        this.#coherent = false;
        this.#forgetAll();
      },
      up: () => this.#becomeCoherent(),
    });
    this.#subscription = subscription;
    this.#subscribed = subscription.ready.then(() => this.#becomeCoherent());
    this.#subscribed.catch(() => {});
  }

  /**
   * Resolves once the invalidation subscription is active (at once when the cache is off). Until then reads go
   * to Redis, so awaiting it is only needed to get the cache's benefit from the first request, and in tests.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs`, or the connection error when the subscription
   * could not be made. The store keeps trying in the background either way.
   */
  ready(): Promise<void> {
    return this.#bounded('ready', () => this.#subscribed);
  }

  /**
   * The stored token for `userId`, or `null`; from the local cache when fresh, unless `options.consistent`.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs`; Error when the key holds something that is not
   * a token record (another app sharing the prefix).
   */
  get(userId: string, options?: { readonly consistent?: boolean }): Promise<StoredToken | null> {
    if (options?.consistent !== true) {
      const cached = this.peek(userId);
      if (cached !== undefined) return Promise.resolve(cached);
    }
    return this.#bounded('get', async () => {
      const generation = this.#generation;
      const key = this.#tokenKey(userId);
      const raw = (await this.#redis.send(['GET', key])) as string | null;
      const token = raw === null ? null : decodeToken(userId, raw, key);
      if (this.#tokens !== undefined && this.#coherent && generation === this.#generation) this.#tokens.set(userId, token, this.#now());
      return this.#live(token);
    });
  }

  /**
   * What the local read cache holds for `userId`, synchronously: the token, `null` for a cached miss, or
   * `undefined` when nothing fresh is cached (or the cache is off or not coherent). Lets threads-auth answer a
   * logged-in request without a promise round.
   */
  peek(userId: string): StoredToken | null | undefined {
    if (this.#tokens === undefined || !this.#coherent) return undefined;
    const hit = this.#tokens.get(userId, this.#now());
    return hit === undefined ? undefined : this.#live(hit.value);
  }

  /**
   * Stores `token`, replacing the user's previous one and its index entry in one script, and tells every other
   * instance to drop its cached copy.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs` (the write may still happen).
   */
  set(token: StoredToken): Promise<void> {
    const record: StoredToken = Object.freeze({
      userId: token.userId,
      sealed: token.sealed,
      issuedAt: token.issuedAt,
      expiresAt: token.expiresAt,
    });
    const now = this.#now();
    const ttlMs = Math.ceil(record.expiresAt - now);
    // Storing a token that has already expired is forgetting the user's token.
    if (!(ttlMs > 0)) return this.delete(record.userId).then(() => undefined);
    return this.#bounded('set', async () => {
      const generation = this.#generation;
      await this.#redis.send([
        'EVAL',
        SET_TOKEN,
        '2',
        this.#tokenKey(record.userId),
        this.#dueKey,
        JSON.stringify(record),
        String(ttlMs),
        dueMember(record.expiresAt, record.userId),
        // Index entries of tokens whose key Redis already expired are swept here, so the index stays bounded.
        endOfExpiry(now),
        this.#channel,
        this.#invalidation('t', record.userId),
      ]);
      this.#afterWrite(this.#tokens, record.userId, record, generation);
    });
  }

  /**
   * Forgets the user's token everywhere. Resolves `true` when there was one.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs` (the delete may still happen).
   */
  delete(userId: string): Promise<boolean> {
    this.#tokens?.delete(userId);
    return this.#bounded('delete', async () => {
      const generation = this.#generation;
      const deleted = await this.#redis.send([
        'EVAL',
        DELETE_TOKEN,
        '2',
        this.#tokenKey(userId),
        this.#dueKey,
        this.#channel,
        this.#invalidation('t', userId),
      ]);
      this.#afterWrite(this.#tokens, userId, null, generation);
      return Number(deleted) === 1;
    });
  }

  /**
   * Tokens issued at or before `issuedBefore` that expire in `(expiresAfter, expiresBefore]`, ordered by
   * `expiresAt` then `userId` (byte order), after the keyset cursor `query.after`, at most `limit`. Reads the
   * `due` index with `ZRANGEBYLEX … LIMIT` (O(log N + M) per page) and checks each record's own times.
   *
   * @throws {@link RedisTokenStoreTimeoutError} when the whole listing takes longer than `timeoutMs`.
   */
  listDue(query: DueQuery): Promise<StoredToken[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return Promise.resolve([]);
    return this.#bounded('listDue', async () => {
      const due: StoredToken[] = [];
      const range = dueRange(query);
      const max = range.max;
      let min = range.min;
      const page = Math.min(Math.max(limit, 16), LIST_DUE_PAGE);
      const claim = query.claim;
      if (claim !== undefined) {
        const tokenKeys = `${this.#redis.clientKeyPrefix}${this.#tag}token:`;
        while (due.length < limit) {
          const now = this.#now();
          const [last, ...claimed] = (await this.#redis.send([
            'EVAL',
            CLAIM_DUE,
            '4',
            this.#dueKey,
            this.#claimsKey,
            `${this.#claimsKey}:owners`,
            `${this.#claimsKey}:by:${claim.owner}`,
            min,
            max,
            String(Math.min(limit - due.length, page)),
            String(now),
            String(now + Math.max(1, Math.ceil(claim.ttlMs))),
            String(page),
            String(CLAIM_STEPS),
            tokenKeys,
            String(query.issuedBefore),
            String(query.expiresBefore),
            String(query.expiresAfter),
            String(claim.owner),
          ])) as string[];
          for (let i = 0; i + 1 < claimed.length; i += 2) {
            const member = claimed[i]!;
            due.push(decodeToken(memberUserId(member), claimed[i + 1]!, this.#tokenKey(memberUserId(member))));
          }
          if (last === '' || last === undefined) break;
          min = `(${last}`;
        }
        return due;
      }
      while (due.length < limit) {
        const members = (await this.#redis.send(['ZRANGEBYLEX', this.#dueKey, min, max, 'LIMIT', '0', String(page)])) as string[];
        if (members.length === 0) break;
        const keys = members.map((member) => this.#tokenKey(memberUserId(member)));
        const raws = (await this.#redis.send(['MGET', ...keys])) as Array<string | null>;
        members.forEach((member, i) => {
          const raw = raws[i];
          if (raw === null || raw === undefined) return;
          const token = decodeToken(memberUserId(member), raw, keys[i]!);
          // A record replaced between the two reads is listed at its new place, if at all: judge the record.
          if (dueMember(token.expiresAt, token.userId) !== member) return;
          if (token.issuedAt <= query.issuedBefore && token.expiresAt <= query.expiresBefore && token.expiresAt > query.expiresAfter) {
            due.push(token);
          }
        });
        if (members.length < page) break;
        min = `(${members[members.length - 1]}`;
      }
      return due.sort(compareDue).slice(0, limit);
    });
  }

  /**
   * Ends the claims `owner` holds (`DueQuery.claim`), 1 000 per script call so Redis is never blocked long.
   *
   * @throws {@link RedisTokenStoreTimeoutError} when it takes longer than `timeoutMs`.
   */
  releaseClaims(owner: string): Promise<void> {
    return this.#bounded('releaseClaims', async () => {
      const keys = [this.#claimsKey, `${this.#claimsKey}:owners`, `${this.#claimsKey}:by:${owner}`];
      while (Number(await this.#redis.send(['EVAL', RELEASE_CLAIMS, '3', ...keys, String(owner), '1000'])) > 0);
    });
  }

  /**
   * Creates or renews a session (`SET … PX` until `expiresAt`) and indexes it under its user, in one script;
   * tells every other instance to drop its cached copy. A session that has already ended is deleted instead.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs` (the write may still happen).
   */
  setSession(session: StoredSession): Promise<void> {
    const record: StoredSession = Object.freeze({ id: session.id, userId: session.userId, expiresAt: session.expiresAt });
    const now = this.#now();
    const ttlMs = Math.ceil(record.expiresAt - now);
    if (!(ttlMs > 0)) return this.deleteSession(record.id).then(() => undefined);
    return this.#bounded('setSession', async () => {
      const generation = this.#generation;
      await this.#redis.send([
        'EVAL',
        SET_SESSION,
        '2',
        this.#sessionKey(record.id),
        this.#userSessionsKey(record.userId),
        JSON.stringify(record),
        String(ttlMs),
        String(record.expiresAt),
        record.id,
        String(now),
        this.#channel,
        this.#invalidation('s', record.id),
      ]);
      this.#afterWrite(this.#sessions, record.id, record, generation);
    });
  }

  /**
   * The session `id`, or `null` when there is none or it has ended; from the local cache when fresh.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs`; Error when the key holds something that is not
   * a session record.
   */
  getSession(id: string): Promise<StoredSession | null> {
    const cached = this.peekSession(id);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#bounded('getSession', async () => {
      const generation = this.#generation;
      const key = this.#sessionKey(id);
      const raw = (await this.#redis.send(['GET', key])) as string | null;
      const session = raw === null ? null : decodeSession(id, raw, key);
      if (this.#sessions !== undefined && this.#coherent && generation === this.#generation) this.#sessions.set(id, session, this.#now());
      return this.#liveSession(session);
    });
  }

  /**
   * What the local read cache holds for session `id`, synchronously: the session, `null` for a cached miss, or
   * `undefined` when it cannot tell. A logout on any instance reaches this cache through the invalidation channel.
   */
  peekSession(id: string): StoredSession | null | undefined {
    if (this.#sessions === undefined || !this.#coherent) return undefined;
    const hit = this.#sessions.get(id, this.#now());
    return hit === undefined ? undefined : this.#liveSession(hit.value);
  }

  /**
   * Ends one session everywhere. Resolves `true` when there was one.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs` (the delete may still happen).
   */
  deleteSession(id: string): Promise<boolean> {
    this.#sessions?.delete(id);
    return this.#bounded('deleteSession', async () => {
      const generation = this.#generation;
      const deleted = await this.#redis.send([
        'EVAL',
        DELETE_SESSION,
        '1',
        this.#sessionKey(id),
        `${this.#redis.clientKeyPrefix}${this.#tag}user-sessions:`,
        id,
        this.#channel,
        this.#invalidation('s', id),
      ]);
      this.#afterWrite(this.#sessions, id, null, generation);
      return Number(deleted) === 1;
    });
  }

  /**
   * Ends every session of `userId` everywhere, in one script that publishes one invalidation per session.
   * Resolves how many there were.
   *
   * @throws {@link RedisTokenStoreTimeoutError} after `timeoutMs` (the delete may still happen).
   */
  deleteSessions(userId: string): Promise<number> {
    const forget = () => {
      if (this.#sessions === undefined) return;
      for (const id of this.#sessions.keysWhere((s) => s?.userId === userId)) this.#sessions.delete(id);
      this.#generation++;
    };
    forget();
    return this.#bounded('deleteSessions', async () => {
      const deleted = await this.#redis.send([
        'EVAL',
        DELETE_SESSIONS,
        '1',
        this.#userSessionsKey(userId),
        `${this.#redis.clientKeyPrefix}${this.#tag}session:`,
        userId,
        this.#channel,
        `${this.#instanceId}:s:`,
      ]);
      forget();
      return Number(deleted);
    });
  }

  /**
   * Takes the lock `key` for at most `ttlMs` with `SET <prefix>lock:<key> <random holder> NX PX ttlMs`.
   * The release function deletes the key only while it still holds this holder's value (a Lua
   * compare-and-delete), so a holder whose ttl ran out cannot free the lock of the next holder. A holder that
   * dies without releasing frees the lock when `ttlMs` elapses.
   *
   * @returns A release function, or `null` when the lock is held.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number; {@link RedisTokenStoreTimeoutError}
   * after `timeoutMs`.
   */
  async acquireLock(key: string, ttlMs: number): Promise<ReleaseLock | null> {
    const lockKey = `${this.keyPrefix}lock:${key}`;
    const ttl = toTtl(ttlMs);
    return this.#bounded('acquireLock', async () => {
      const holder = globalThis.crypto.randomUUID();
      const taken = await this.#redis.send(['SET', lockKey, holder, 'PX', String(ttl), 'NX']);
      if (taken !== 'OK') return null;
      let released = false;
      return () => {
        if (released) return Promise.resolve();
        released = true;
        return this.#bounded('releaseLock', async () => {
          await this.#redis.send(['EVAL', RELEASE_LOCK, '1', lockKey, holder]);
        });
      };
    });
  }

  /**
   * Marks the one-time `key` used for `ttlMs` with `SET <prefix>once:<key> 1 NX PX ttlMs`.
   *
   * @returns `true` the first time, `false` on every later call while the key lives.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number; {@link RedisTokenStoreTimeoutError}
   * after `timeoutMs`.
   */
  async consumeOnce(key: string, ttlMs: number): Promise<boolean> {
    const ttl = toTtl(ttlMs);
    return this.#bounded('consumeOnce', async () => {
      const taken = await this.#redis.send(['SET', `${this.keyPrefix}once:${key}`, '1', 'PX', String(ttl), 'NX']);
      return taken === 'OK';
    });
  }

  /**
   * Closes the subscription connection, and the client too when the store created it from `url`. A client
   * passed as `client` is left open. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#coherent = false;
      this.#forgetAll();
      await this.#subscription?.close();
      if (this.#ownsClient) await this.#redis.close();
    })();
    return this.#closing;
  }

  #tokenKey(userId: string): string {
    return `${this.#tag}token:${userId}`;
  }

  #sessionKey(id: string): string {
    return `${this.#tag}session:${id}`;
  }

  #userSessionsKey(userId: string): string {
    return `${this.#tag}user-sessions:${userId}`;
  }

  #invalidation(kind: 't' | 's', id: string): string {
    return `${this.#instanceId}:${kind}:${id}`;
  }

  #live(token: StoredToken | null): StoredToken | null {
    return token !== null && token.expiresAt > this.#now() ? token : null;
  }

  #liveSession(session: StoredSession | null): StoredSession | null {
    return session !== null && session.expiresAt > this.#now() ? session : null;
  }

  /** Runs `work`, rejecting with a {@link RedisTokenStoreTimeoutError} once `timeoutMs` has passed. */
  #bounded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RedisTokenStoreTimeoutError(operation, this.timeoutMs)), this.timeoutMs);
      work().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #afterWrite<T>(cache: ReadCache<T> | undefined, key: string, value: T | null, generationBefore: number): void {
    if (cache !== undefined) {
      // Anything that happened during the write (another write, an invalidation) may be newer than ours.
      if (this.#coherent && generationBefore === this.#generation) cache.set(key, value, this.#now());
      else cache.delete(key);
    }
    this.#generation++;
  }

  #onInvalidation(message: string): void {
    // `<instanceId>:<t|s>:<id>`; an instance's own writes have updated its cache already.
    const first = message.indexOf(':');
    if (first < 0 || message.slice(0, first) === this.#instanceId) return;
    const kind = message.slice(first + 1, first + 2);
    const id = message.slice(first + 3);
    if (kind === 't') this.#tokens?.delete(id);
    else if (kind === 's') this.#sessions?.delete(id);
    else this.#forgetAll();
    this.#generation++;
  }

  #becomeCoherent(): void {
    if (this.#closing !== undefined) return;
    this.#forgetAll();
    this.#coherent = true;
  }

  #forgetAll(): void {
    this.#tokens?.clear();
    this.#sessions?.clear();
    this.#generation++;
  }
}

/** The client of a store made from `url`: its connection errors surface as rejected calls, not as unhandled events. */
function ownClient(url: string): Redis {
  const client = new Redis(url);
  client.on('error', () => {});
  return client;
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

function parseJson(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function decodeToken(userId: string, raw: string, key: string): StoredToken {
  const record = parseJson(raw);
  if (
    record === undefined ||
    record['userId'] !== userId ||
    typeof record['sealed'] !== 'string' ||
    typeof record['issuedAt'] !== 'number' ||
    typeof record['expiresAt'] !== 'number'
  ) {
    throw new Error(`threads-auth: Redis key "${key}" does not hold a threads-auth token record; is another app using keyPrefix?`);
  }
  return Object.freeze({ userId, sealed: record['sealed'], issuedAt: record['issuedAt'], expiresAt: record['expiresAt'] });
}

function decodeSession(id: string, raw: string, key: string): StoredSession {
  const record = parseJson(raw);
  if (record === undefined || record['id'] !== id || typeof record['userId'] !== 'string' || typeof record['expiresAt'] !== 'number') {
    throw new Error(`threads-auth: Redis key "${key}" does not hold a threads-auth session record; is another app using keyPrefix?`);
  }
  return Object.freeze({ id, userId: record['userId'], expiresAt: record['expiresAt'] });
}

function toTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new ThreadsAuthOptionError('ttlMs', 'must be a positive number of milliseconds.');
  return Math.ceil(ttlMs);
}
