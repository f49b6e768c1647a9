/**
 * `PostgresTokenStore`: threads-auth tokens in PostgreSQL, durable across restarts and shared by every
 * process of an app, with refresh locks and one-time keys in tables of their own.
 *
 * @module
 */
import { type DueQuery, type ReleaseLock, type StoredToken, ThreadsAuthOptionError, type TokenStore } from '@threads-auth/core';
import pg from 'pg';
import { type TableNames, type TableOptions, migrateNames, tableNames } from './schema.js';

interface PostgresTokenStoreCommonOptions extends TableOptions {
  /**
   * Create the tables on first use (`CREATE TABLE IF NOT EXISTS` under an advisory lock). Default `true`.
   * Set `false` when your migrations run {@link migration} or {@link migrate} themselves.
   */
  readonly createTable?: boolean;
  /** The clock that judges token expiry, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Options for {@link PostgresTokenStore}: either a `pg` `pool` you own (the store never ends it) or a
 * `connectionString` the store opens a pool for and owns (ended by {@link PostgresTokenStore.close}).
 */
export type PostgresTokenStoreOptions = PostgresTokenStoreCommonOptions &
  (
    | {
        /** A `pg` Pool. */
        readonly pool: pg.Pool;
        readonly connectionString?: undefined;
      }
    | {
        /** A PostgreSQL connection string, e.g. `postgres://app@127.0.0.1:5432/app`. */
        readonly connectionString: string;
        readonly pool?: undefined;
      }
  );

/** How often, at most, one store instance deletes expired locks, one-time keys and tokens. */
const PURGE_INTERVAL_MS = 60_000;
/** How many rows of each table one purge deletes at most, so a purge stays short. */
const PURGE_BATCH = 1000;

interface TokenRow {
  user_id: string;
  sealed: string;
  issued_at: string;
  expires_at: string;
}

/**
 * A {@link TokenStore} in PostgreSQL: tokens survive restarts and are shared by every process, refresh locks
 * and one-time keys work across processes.
 *
 * Tables (see {@link migration}): `<tableName>` holds one row per user, times as bigint milliseconds;
 * `<tableName>_locks` holds refresh locks; `<tableName>_once` holds used one-time keys. With `createTable`
 * (the default) the store creates them on first use, safely even when several processes start at once.
 *
 * Locks are rows, not advisory locks: `acquireLock` inserts `(key, random holder, expires_at)` or takes over a
 * row whose `expires_at` has passed, in one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`, with
 * expiry judged by the database clock so every process agrees. Releasing deletes the row only where the holder
 * still matches, so a holder whose ttl ran out cannot free the next holder's lock. A session advisory lock would
 * instead pin a pooled connection for as long as the lock is held, has no ttl, and is freed only on that
 * connection: the row costs one statement each way and needs no connection of its own.
 *
 * Expired locks, one-time keys and tokens are deleted opportunistically, at most once a minute per instance.
 *
 * @example
 * ```ts
 * import { PostgresTokenStore } from '@threads-auth/postgres';
 *
 * const store = new PostgresTokenStore({ connectionString: process.env.DATABASE_URL! });
 * // createThreadsAuth({ ..., store })
 * ```
 */
export class PostgresTokenStore implements TokenStore {
  /** The quoted names of the tables and indexes this store uses. */
  readonly tables: TableNames;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #createTable: boolean;
  readonly #now: () => number;
  #tablesReady: Promise<void> | undefined;
  #lastPurge = Number.NEGATIVE_INFINITY;
  #closing: Promise<void> | undefined;
  #purging: Promise<void> = Promise.resolve();

  /**
   * @param options - A `pool` or a `connectionString`, plus `tableName`, `schema`, `createTable` and `now`.
   * @throws ThreadsAuthOptionError (a `TypeError`, code `ERR_THREADS_AUTH_OPTION`) naming the option when
   * neither or both of `pool` and `connectionString` are given, or `tableName` / `schema` is not a plain
   * identifier.
   */
  constructor(options: PostgresTokenStoreOptions) {
    const { pool, connectionString } = options as { pool?: unknown; connectionString?: unknown };
    if ((pool === undefined) === (connectionString === undefined)) {
      throw new ThreadsAuthOptionError(
        'pool',
        'or "connectionString" is required, not both: pass a pg Pool you own, or a connection string the store opens a pool for.',
      );
    }
    if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString === '')) {
      throw new ThreadsAuthOptionError('connectionString', 'must be a PostgreSQL connection string, e.g. postgres://user@host:5432/db.');
    }
    this.tables = tableNames(options);
    this.#createTable = options.createTable ?? true;
    this.#now = options.now ?? Date.now;
    this.#ownsPool = connectionString !== undefined;
    if (connectionString !== undefined) {
      const owned = new pg.Pool({ connectionString: connectionString as string });
      // An idle pooled connection that drops emits 'error' on the pool; unhandled, that would crash the process.
      // The pool discards the connection itself, and a query that fails still rejects its own promise.
      owned.on('error', () => {});
      this.#pool = owned;
    } else {
      this.#pool = pool as pg.Pool;
    }
  }

  /** The stored token for `userId`, or `null` when there is none or it has expired. */
  async get(userId: string): Promise<StoredToken | null> {
    await this.#ready();
    const { rows } = await this.#pool.query<TokenRow>(
      `SELECT user_id, sealed, issued_at, expires_at FROM ${this.tables.tokens} WHERE user_id = $1 AND expires_at > $2`,
      [userId, this.#now()],
    );
    const row = rows[0];
    return row === undefined ? null : toToken(row);
  }

  /** Stores `token`, replacing the user's previous one (an upsert on `user_id`). */
  async set(token: StoredToken): Promise<void> {
    await this.#ready();
    await this.#pool.query(
      `INSERT INTO ${this.tables.tokens} (user_id, sealed, issued_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (user_id) DO UPDATE
         SET sealed = EXCLUDED.sealed, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [token.userId, token.sealed, token.issuedAt, token.expiresAt],
    );
    this.#purgeNowAndThen();
  }

  /** Forgets the user's token. Resolves `true` when there was a row. */
  async delete(userId: string): Promise<boolean> {
    await this.#ready();
    const result = await this.#pool.query(`DELETE FROM ${this.tables.tokens} WHERE user_id = $1`, [userId]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Tokens issued at or before `issuedBefore` that expire in `(expiresAfter, expiresBefore]`, soonest expiry
   * first, at most `limit`: one indexed `SELECT … ORDER BY expires_at LIMIT`.
   */
  async listDue(query: DueQuery): Promise<StoredToken[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    await this.#ready();
    const { rows } = await this.#pool.query<TokenRow>(
      `SELECT user_id, sealed, issued_at, expires_at FROM ${this.tables.tokens}
       WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3
       ORDER BY expires_at, user_id
       LIMIT $4`,
      [query.issuedBefore, query.expiresBefore, query.expiresAfter, limit],
    );
    return rows.map(toToken);
  }

  /**
   * Takes the lock `key` for at most `ttlMs`, across every process sharing the database: a row in
   * `<tableName>_locks` inserted, or taken over once expired, by one atomic upsert.
   *
   * @returns A release function that deletes the row only while this holder still owns it, or `null` when
   * the lock is held.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number.
   */
  async acquireLock(key: string, ttlMs: number): Promise<ReleaseLock | null> {
    const ttl = toTtl(ttlMs);
    await this.#ready();
    const holder = globalThis.crypto.randomUUID();
    const { rows } = await this.#pool.query(
      `INSERT INTO ${this.tables.locks} AS held (lock_key, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
       ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE held.expires_at <= clock_timestamp()
       RETURNING holder`,
      [key, holder, ttl],
    );
    this.#purgeNowAndThen();
    if (rows.length === 0) return null;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.#pool.query(`DELETE FROM ${this.tables.locks} WHERE lock_key = $1 AND holder = $2`, [key, holder]);
    };
  }

  /**
   * Records that the one-time `key` was used, for `ttlMs`: a row in `<tableName>_once`, inserted, or taken
   * over once expired, by one atomic upsert.
   *
   * @returns `true` the first time, `false` on every later call within `ttlMs`.
   * @throws ThreadsAuthOptionError when `ttlMs` is not a positive number.
   */
  async consumeOnce(key: string, ttlMs: number): Promise<boolean> {
    const ttl = toTtl(ttlMs);
    await this.#ready();
    const { rows } = await this.#pool.query(
      `INSERT INTO ${this.tables.once} AS used (used_key, expires_at)
       VALUES ($1, clock_timestamp() + $2::double precision * interval '1 millisecond')
       ON CONFLICT (used_key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE used.expires_at <= clock_timestamp()
       RETURNING used_key`,
      [key, ttl],
    );
    this.#purgeNowAndThen();
    return rows.length > 0;
  }

  /** Ends the pool when the store opened it from `connectionString`; a pool passed as `pool` is left open. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#purging;
      if (this.#ownsPool) await this.#pool.end();
    })();
    return this.#closing;
  }

  #ready(): Promise<void> {
    if (!this.#createTable) return Promise.resolve();
    this.#tablesReady ??= migrateNames(this.#pool, this.tables).catch((error: unknown) => {
      // Let the next call try again, e.g. once the database is reachable.
      this.#tablesReady = undefined;
      throw error;
    });
    return this.#tablesReady;
  }

  /**
   * Deletes a bounded batch of expired locks, one-time keys and tokens, at most once per interval, without
   * making the caller wait. `FOR UPDATE SKIP LOCKED` keeps two instances purging at once from waiting on, or
   * deadlocking with, each other or with writers.
   */
  #purgeNowAndThen(): void {
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_INTERVAL_MS || this.#closing !== undefined) return;
    this.#lastPurge = now;
    const { tokens, locks, once } = this.tables;
    const purge = this.#pool
      .query(
        `WITH expired_locks AS (
           DELETE FROM ${locks} WHERE lock_key IN (
             SELECT lock_key FROM ${locks} WHERE expires_at <= clock_timestamp() LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)
         ), expired_once AS (
           DELETE FROM ${once} WHERE used_key IN (
             SELECT used_key FROM ${once} WHERE expires_at <= clock_timestamp() LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)
         )
         DELETE FROM ${tokens} WHERE user_id IN (
           SELECT user_id FROM ${tokens} WHERE expires_at <= $1 LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`,
        [now],
      )
      .then(
        () => {},
        // Purging is housekeeping: a failure must not fail the call that happened to trigger it.
        () => {},
      );
    this.#purging = purge;
  }
}

function toToken(row: TokenRow): StoredToken {
  return { userId: row.user_id, sealed: row.sealed, issuedAt: Number(row.issued_at), expiresAt: Number(row.expires_at) };
}

function toTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new ThreadsAuthOptionError('ttlMs', 'must be a positive number of milliseconds.');
  return Math.ceil(ttlMs);
}
