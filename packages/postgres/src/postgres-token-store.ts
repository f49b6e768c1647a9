/**
 * `PostgresTokenStore`: threads-auth tokens in PostgreSQL, durable across restarts and shared by every
 * process of an app, with refresh locks and one-time keys in tables of their own.
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
import { createHash } from 'node:crypto';
import pg from 'pg';
import { timedQuery, withDeadline } from './deadline.js';
import { DEFAULT_MIGRATION_TIMEOUT_MS, type TableNames, type TableOptions, migrateNames, tableNames, toTimeoutMs } from './schema.js';

interface PostgresTokenStoreCommonOptions extends TableOptions {
  /**
   * Create the tables on first use (`CREATE TABLE IF NOT EXISTS` under an advisory lock). Default `true`.
   * Set `false` when your migrations run {@link migration} or {@link migrate} themselves.
   */
  readonly createTable?: boolean;
  /** The clock that judges token and session expiry, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The longest any call may take, in milliseconds, getting a connection included; past it the call rejects
   * with a {@link PostgresTimeoutError}. Default 5000. The pool the store opens from `connectionString` also
   * gets it as `connectionTimeoutMillis`, `query_timeout` and `statement_timeout`, so a stuck connection is
   * dropped rather than reused. Creating the tables on first use may take longer (60 s at most, or `timeoutMs`
   * if longer): the calls waiting for it fail at `timeoutMs`, and the first call after it succeeds.
   */
  readonly timeoutMs?: number;
  /**
   * Called with errors that belong to no call: an idle pooled connection that broke (PostgreSQL restarted,
   * failed over, or the network dropped it), which pg reports as an `'error'` event on the pool, and a failed
   * background purge. The store listens for the pool's `'error'` so such an event cannot crash the process
   * (an `'error'` event without a listener throws); pg has already discarded the connection, and the next call
   * opens a new one. Default: ignore them. An exception thrown by `onError` is ignored too.
   */
  readonly onError?: (error: Error) => void;
  /**
   * Send each statement as a named prepared statement, so that PostgreSQL parses and plans it once per
   * connection rather than on every call. Default `true`, as in `postgres.js` (its `prepare` option). Set `false` behind a pooler that does not keep prepared statements across
   * transactions: PgBouncer in `transaction` or `statement` mode before 1.21, or 1.21 and later without
   * `max_prepared_statements`. The store's statements are a fixed few, so
   * each connection holds a bounded number of them.
   */
  readonly preparedStatements?: boolean;
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
/** The default of `timeoutMs`. */
const DEFAULT_TIMEOUT_MS = 5000;

interface TokenRow {
  user_id: string;
  sealed: string;
  issued_at: string;
  expires_at: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  expires_at: string;
}

/**
 * A {@link TokenStore} in PostgreSQL: tokens survive restarts and are shared by every process, refresh locks
 * and one-time keys work across processes.
 *
 * Tables (see {@link migration}): `<tableName>` holds one row per user, times as bigint milliseconds;
 * `<tableName>_locks` holds refresh locks; `<tableName>_once` holds used one-time keys; `<tableName>_sessions`
 * holds session records. With `createTable` (the default) the store creates them on first use, safely even
 * when several processes start at once.
 *
 * Every call is bounded by `timeoutMs` (default 5 s) and then rejects with a {@link PostgresTimeoutError}; the
 * store listens for `'error'` on its pool, given or its own, so a PostgreSQL restart that breaks idle
 * connections cannot crash the process (reported through `onError`).
 *
 * Locks are rows, not advisory locks: `acquireLock` inserts `(key, random holder, expires_at)` or takes over a
 * row whose `expires_at` has passed, in one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`, with
 * expiry judged by the database clock so every process agrees. Releasing deletes the row only where the holder
 * still matches, so a holder whose ttl ran out cannot free the next holder's lock. A session advisory lock would
 * instead pin a pooled connection for as long as the lock is held, has no ttl, and is freed only on that
 * connection: the row costs one statement each way and needs no connection of its own.
 *
 * Expired locks, one-time keys, tokens and sessions are deleted opportunistically, at most once a minute per
 * instance.
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
  readonly #timeoutMs: number;
  readonly #onError: (error: Error) => void;
  readonly #onPoolError = (error: Error) => this.#report(error);
  /** Statement text → prepared statement name, when `preparedStatements`; `undefined` sends them unnamed. */
  readonly #statementNames: Map<string, string> | undefined;
  #tablesReady: Promise<void> | undefined;
  #lastPurge = Number.NEGATIVE_INFINITY;
  #closing: Promise<void> | undefined;
  #purging: Promise<void> = Promise.resolve();

  /**
   * @param options - A `pool` or a `connectionString`, plus `tableName`, `schema`, `createTable`, `now`,
   * `timeoutMs`, `onError` and `preparedStatements`.
   * @throws ThreadsAuthOptionError (a `TypeError`, code `ERR_THREADS_AUTH_OPTION`) naming the option when
   * neither or both of `pool` and `connectionString` are given, `pool` is not a pg Pool, `tableName` /
   * `schema` is not a plain identifier, `timeoutMs` is not a positive number of milliseconds, `onError` is not
   * a function, or `preparedStatements` is not a boolean.
   */
  constructor(options: PostgresTokenStoreOptions) {
    const { pool, connectionString } = options as { pool?: unknown; connectionString?: unknown };
    if ((pool === undefined) === (connectionString === undefined)) {
      throw new ThreadsAuthOptionError(
        'pool',
        'or "connectionString" is required, not both: pass a pg Pool you own, or a connection string the store opens a pool for.',
      );
    }
    if (pool !== undefined && !isPool(pool)) {
      throw new ThreadsAuthOptionError('pool', 'must be a pg Pool (new pg.Pool(...)): an object with query(), connect() and on().');
    }
    if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString === '')) {
      throw new ThreadsAuthOptionError('connectionString', 'must be a PostgreSQL connection string, e.g. postgres://user@host:5432/db.');
    }
    this.tables = tableNames(options);
    this.#timeoutMs = toTimeoutMs(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new ThreadsAuthOptionError('onError', 'must be a function (error) => void, e.g. (error) => console.warn(error.message).');
    }
    this.#onError = options.onError ?? (() => {});
    this.#createTable = options.createTable ?? true;
    if (options.preparedStatements !== undefined && typeof options.preparedStatements !== 'boolean') {
      throw new ThreadsAuthOptionError('preparedStatements', 'must be true or false (false behind PgBouncer in transaction mode).');
    }
    this.#statementNames = options.preparedStatements === false ? undefined : new Map();
    this.#now = options.now ?? Date.now;
    this.#ownsPool = connectionString !== undefined;
    this.#pool =
      connectionString !== undefined
        ? new pg.Pool({
            connectionString: connectionString as string,
            connectionTimeoutMillis: this.#timeoutMs,
            query_timeout: this.#timeoutMs,
            statement_timeout: this.#timeoutMs,
            keepAlive: true,
          })
        : (pool as pg.Pool);
    // An idle pooled connection that breaks emits 'error' on the pool; with no listener that throws and ends the
    // process. The pool has already discarded the connection, and a query that fails rejects its own promise.
    this.#pool.on('error', this.#onPoolError);
  }

  /** The stored token for `userId`, or `null` when there is none or it has expired. */
  async get(userId: string): Promise<StoredToken | null> {
    const { rows } = await this.#query<TokenRow>(
      'get()',
      `SELECT user_id, sealed, issued_at, expires_at FROM ${this.tables.tokens} WHERE user_id = $1 AND expires_at > $2`,
      [userId, this.#now()],
    );
    const row = rows[0];
    return row === undefined ? null : toToken(row);
  }

  /** Stores `token`, replacing the user's previous one (an upsert on `user_id`). */
  async set(token: StoredToken): Promise<void> {
    await this.#query(
      'set()',
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
    const result = await this.#query('delete()', `DELETE FROM ${this.tables.tokens} WHERE user_id = $1`, [userId]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Tokens issued at or before `issuedBefore` that expire in `(expiresAfter, expiresBefore]`, ordered by
   * `expires_at` then `user_id` in byte order (`COLLATE "C"`), strictly after `query.after` when given, at most
   * `limit`: one `SELECT … WHERE (expires_at, user_id COLLATE "C") > ($a, $b) ORDER BY expires_at,
   * user_id COLLATE "C" LIMIT`, served by the index `<tableName>_due_idx` on the same two columns, so a page
   * deep in the listing costs what the first page costs.
   */
  async listDue(query: DueQuery): Promise<StoredToken[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    if (query.claim !== undefined) return this.#claimDue(query, limit, toTtl(query.claim.ttlMs), String(query.claim.owner));
    const values: unknown[] = [query.issuedBefore, query.expiresBefore, query.expiresAfter, limit];
    let cursor = '';
    if (query.after !== undefined) {
      values.push(query.after.expiresAt, query.after.userId);
      cursor = 'AND (expires_at, user_id COLLATE "C") > ($5::bigint, $6::text COLLATE "C")';
    }
    const { rows } = await this.#query<TokenRow>(
      'listDue()',
      `SELECT user_id, sealed, issued_at, expires_at FROM ${this.tables.tokens}
       WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3 ${cursor}
       ORDER BY expires_at, user_id COLLATE "C"
       LIMIT $4`,
      values,
    );
    return rows.map(toToken);
  }

  /**
   * `listDue` with `query.claim`: lists the next due rows no other owner has claimed and claims them in one
   * statement. A claim is a row `claim:<userId>` in the lock table, holder = the owner (so no column is added to
   * the token table), inserted, or taken over once expired by the database clock or when the owner's own. The
   * candidates are read `FOR UPDATE SKIP LOCKED`: a worker listing at the same instant skips the rows another
   * is claiming instead of queueing behind its inserts (which, with four workers, chained into multi-second
   * waits); the row locks last as long as the statement. Workers listing at the same moment may
   * pick the same candidates; the upsert gives each to one of them, and the loser reads on past them, so it
   * returns fewer than `limit` rows only once no unclaimed row is left.
   */
  async #claimDue(query: DueQuery, limit: number, ttlMs: number, holder: string): Promise<StoredToken[]> {
    const claimed: StoredToken[] = [];
    let after = query.after;
    // A round that wins nothing was raced for every candidate: the next one starts past them. Rounds that won
    // something are enough after a few; the caller's next page goes on from the last row it got.
    for (let round = 0; claimed.length < limit && (claimed.length === 0 || round < 4); round++) {
      const want = limit - claimed.length;
      const values: unknown[] = [query.issuedBefore, query.expiresBefore, query.expiresAfter, want, holder, ttlMs];
      let cursor = '';
      if (after !== undefined) {
        values.push(after.expiresAt, after.userId);
        cursor = 'AND (expires_at, user_id COLLATE "C") > ($7::bigint, $8::text COLLATE "C")';
      }
      const { rows } = await this.#query<TokenRow & { won: boolean }>(
        'listDue()',
        `WITH candidates AS (
           SELECT user_id, sealed, issued_at, expires_at FROM ${this.tables.tokens} AS token
           WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3 ${cursor}
             AND NOT EXISTS (SELECT 1 FROM ${this.tables.locks} AS held
                             WHERE held.lock_key = 'claim:' || token.user_id AND held.expires_at > clock_timestamp()
                               AND held.holder <> $5)
           ORDER BY expires_at, user_id COLLATE "C"
           LIMIT $4
           FOR UPDATE SKIP LOCKED
         ), won AS (
           INSERT INTO ${this.tables.locks} AS held (lock_key, holder, expires_at)
           SELECT 'claim:' || user_id, $5, clock_timestamp() + $6::double precision * interval '1 millisecond' FROM candidates
           ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE held.expires_at <= clock_timestamp() OR held.holder = EXCLUDED.holder
           RETURNING lock_key
         )
         SELECT c.user_id, c.sealed, c.issued_at, c.expires_at, (won.lock_key IS NOT NULL) AS won
         FROM candidates AS c LEFT JOIN won ON won.lock_key = 'claim:' || c.user_id
         ORDER BY c.expires_at, c.user_id COLLATE "C"`,
        values,
      );
      for (const row of rows) if (row.won) claimed.push(toToken(row));
      if (rows.length < want) break;
      const last = rows[rows.length - 1]!;
      after = { expiresAt: Number(last.expires_at), userId: last.user_id };
    }
    this.#purgeNowAndThen();
    return claimed;
  }

  /** Ends the claims `owner` holds: deletes its `claim:` rows from the lock table. */
  async releaseClaims(owner: string): Promise<void> {
    await this.#query('releaseClaims()', `DELETE FROM ${this.tables.locks} WHERE holder = $1 AND lock_key LIKE 'claim:%'`, [String(owner)]);
  }

  /** Creates the session record, or replaces (renews) the one with the same `id`: an upsert on `id`. */
  async setSession(session: StoredSession): Promise<void> {
    await this.#query(
      'setSession()',
      `INSERT INTO ${this.tables.sessions} (id, user_id, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at`,
      [session.id, session.userId, session.expiresAt],
    );
    this.#purgeNowAndThen();
  }

  /** The session record with `id`, or `null` when there is none or it has expired (judged by `now`). */
  async getSession(id: string): Promise<StoredSession | null> {
    const { rows } = await this.#query<SessionRow>(
      'getSession()',
      `SELECT id, user_id, expires_at FROM ${this.tables.sessions} WHERE id = $1 AND expires_at > $2`,
      [id, this.#now()],
    );
    const row = rows[0];
    return row === undefined ? null : { id: row.id, userId: row.user_id, expiresAt: Number(row.expires_at) };
  }

  /** Deletes the session `id`. Resolves `true` when there was a row. */
  async deleteSession(id: string): Promise<boolean> {
    const result = await this.#query('deleteSession()', `DELETE FROM ${this.tables.sessions} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Deletes every session of `userId` (indexed on `user_id`). Resolves how many rows there were. */
  async deleteSessions(userId: string): Promise<number> {
    const result = await this.#query('deleteSessions()', `DELETE FROM ${this.tables.sessions} WHERE user_id = $1`, [userId]);
    return result.rowCount ?? 0;
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
    const holder = globalThis.crypto.randomUUID();
    const { rows } = await this.#query(
      'acquireLock()',
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
      await this.#query('release of a lock', `DELETE FROM ${this.tables.locks} WHERE lock_key = $1 AND holder = $2`, [key, holder], false);
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
    const { rows } = await this.#query(
      'consumeOnce()',
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

  /**
   * Ends the pool when the store opened it from `connectionString`; a pool passed as `pool` is left open, and
   * the store's `'error'` listener is removed from it.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#purging;
      if (this.#ownsPool) await this.#pool.end();
      else this.#pool.off('error', this.#onPoolError);
    })();
    return this.#closing;
  }

  /**
   * Runs one statement, after the tables are ready when `ready`, all within `timeoutMs`: the deadline covers
   * waiting for the migration and for a connection. A call abandoned at its deadline never sends its statement
   * later (a connection that arrives late goes back unused), and the statement carries `query_timeout` so a
   * connection that stalled is destroyed rather than handed out again.
   */
  #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
    ready = true,
  ): Promise<pg.QueryResult<R>> {
    const timeoutMs = this.#timeoutMs;
    let abandoned = false;
    const work = (async () => {
      if (ready) await this.#tablesExist();
      if (abandoned) throw ABANDONED;
      // A pooled connection the server dropped while idle (a restart) fails its next statement before the server
      // sees it; the pool has discarded it by then, so one more try on a fresh connection is the call's real answer.
      for (let attempt = 1; ; attempt++) {
        const { client, release } = await checkout(this.#pool);
        if (abandoned) {
          release();
          throw ABANDONED;
        }
        try {
          return await queryOn<R>(client, release, timedQuery(text, values, timeoutMs, this.#statementName(text)));
        } catch (error) {
          if (attempt >= 2 || abandoned || !isDroppedConnection(error)) throw error;
        }
      }
    })();
    return withDeadline(operation, timeoutMs, work, () => {
      abandoned = true;
    });
  }

  /**
   * The prepared statement name of `text`: a digest of the text, so that two stores on one pool (other tables)
   * never share a name for different statements, which pg refuses.
   */
  #statementName(text: string): string | undefined {
    const names = this.#statementNames;
    if (names === undefined) return undefined;
    let name = names.get(text);
    if (name === undefined) {
      name = `threads_auth_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      names.set(text, name);
    }
    return name;
  }

  #report(error: Error): void {
    try {
      this.#onError(error);
    } catch {
      // onError runs inside pg's 'error' event: a throw there would end the process, the very thing it prevents.
    }
  }

  /**
   * Waits for the tables. An attempt an earlier call began may fail on a fault that has since cleared (the
   * server was down then): a call that joined such an attempt tries once more, afresh, rather than fail on
   * what it never asked. A failure of the call's own attempt is final for the call.
   */
  async #tablesExist(): Promise<void> {
    const earlier = this.#tablesReady;
    try {
      await this.#ready();
    } catch (error) {
      if (earlier === undefined || this.#closing !== undefined) throw error;
      await this.#ready();
    }
  }

  #ready(): Promise<void> {
    if (!this.#createTable) return Promise.resolve();
    const migrationTimeoutMs = Math.max(DEFAULT_MIGRATION_TIMEOUT_MS, this.#timeoutMs);
    this.#tablesReady ??= migrateNames(this.#pool, this.tables, migrationTimeoutMs).catch((error: unknown) => {
      // Let the next call try again, e.g. once the database is reachable.
      this.#tablesReady = undefined;
      throw error;
    });
    return this.#tablesReady;
  }

  /**
   * Deletes a bounded batch of expired locks, one-time keys, tokens and sessions, at most once per interval,
   * without making the caller wait; a failure goes to `onError`. `FOR UPDATE SKIP LOCKED` keeps two instances
   * purging at once from waiting on, or deadlocking with, each other or with writers. Sessions are a statement
   * of their own, so a database whose migration predates the session table still purges the rest.
   */
  #purgeNowAndThen(): void {
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_INTERVAL_MS || this.#closing !== undefined) return;
    this.#lastPurge = now;
    const { tokens, locks, once, sessions } = this.tables;
    const purges = [
      this.#query(
        'purge',
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
        false,
      ),
      this.#query(
        'purge of sessions',
        `DELETE FROM ${sessions} WHERE id IN (
           SELECT id FROM ${sessions} WHERE expires_at <= $1 LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`,
        [now],
        false,
      ),
    ].map((purge) =>
      purge.then(
        () => {},
        // Purging is housekeeping: a failure must not fail the call that happened to trigger it.
        (error: unknown) => this.#report(error instanceof Error ? error : new Error(String(error))),
      ),
    );
    this.#purging = Promise.all(purges).then(() => {});
  }
}

/** What an abandoned call's work rejects with; never seen, as its caller already got a timeout. */
const ABANDONED = new Error('threads-auth: abandoned at its deadline');

/**
 * A pooled connection and its release, through the callback form of `connect` (a checkout by the store's
 * calls, told apart from the migration's own).
 */
function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release: (error?: Error) => void }> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client, release) => {
      if (error !== undefined || client === undefined) reject(error ?? new Error('threads-auth: pg returned no connection'));
      else resolve({ client, release });
    });
  });
}

/**
 * Runs `query` on a checked-out `client`, then releases it: back to the pool when the server answered (even
 * with an error), destroyed when the query timed out or the connection broke. An `'error'` the connection
 * emits meanwhile is caught here (the pool listens only while a connection is idle); the query rejects too.
 */
async function queryOn<R extends pg.QueryResultRow>(
  client: pg.PoolClient,
  release: (error?: Error) => void,
  query: pg.QueryConfig,
): Promise<pg.QueryResult<R>> {
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    return await client.query<R>(query);
  } catch (error) {
    if (!(error instanceof pg.DatabaseError)) broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off('error', onError);
    release(broken);
  }
}

/** True for the error of a connection the server (or the network) closed, as opposed to an error the server sent. */
function isDroppedConnection(error: unknown): boolean {
  if (error instanceof pg.DatabaseError || !(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return /Connection terminated/.test(error.message) || code === 'ECONNRESET' || code === 'EPIPE';
}

function isPool(value: unknown): value is pg.Pool {
  const pool = value as Partial<Record<'query' | 'connect' | 'on', unknown>> | null;
  return typeof pool === 'object' && pool !== null && [pool.query, pool.connect, pool.on].every((f) => typeof f === 'function');
}

function toToken(row: TokenRow): StoredToken {
  return { userId: row.user_id, sealed: row.sealed, issuedAt: Number(row.issued_at), expiresAt: Number(row.expires_at) };
}

function toTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new ThreadsAuthOptionError('ttlMs', 'must be a positive number of milliseconds.');
  return Math.ceil(ttlMs);
}
