/**
 * The tables of `PostgresTokenStore`: their names, the migration that creates them, and {@link migrate}, which
 * runs it safely while other processes may be doing the same.
 *
 * @module
 */
import { ThreadsAuthOptionError } from '@threads-auth/core';
import type { Pool, PoolClient } from 'pg';
import { timedQuery, withDeadline } from './deadline.js';

/** The default name of the token table. */
export const DEFAULT_TABLE_NAME = 'threads_auth_tokens';

/** The longest delay `setTimeout` honours (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * PostgreSQL truncates identifiers past 63 bytes; the longest derived name adds `_once_expires_at_idx` (20).
 * Names added later are kept at most as long, so a table name valid once stays valid.
 */
const MAX_TABLE_NAME_LENGTH = 63 - '_once_expires_at_idx'.length;

/** Where the tables live: `tableName` (default `threads_auth_tokens`) in `schema` (default: the search path). */
export interface TableOptions {
  /**
   * The token table's name; the lock, one-time-key and session tables add `_locks`, `_once` and `_sessions`.
   * Default `threads_auth_tokens`.
   */
  readonly tableName?: string;
  /** The schema holding the tables; it must exist. Default: the connection's `search_path`. */
  readonly schema?: string;
}

/** The quoted, validated names of every object the store uses. */
export interface TableNames {
  /** `"schema"."table"` or `"table"`: the token table. */
  readonly tokens: string;
  /** The lock table, `<table>_locks`. */
  readonly locks: string;
  /** The one-time-key table, `<table>_once`. */
  readonly once: string;
  /** The session table, `<table>_sessions`. */
  readonly sessions: string;
  /**
   * The index that serves `listDue`, `(expires_at, user_id COLLATE "C")`, unqualified (an index lives in its
   * table's schema).
   */
  readonly tokensDueIndex: string;
  /**
   * The token table's former expiry index, `(expires_at)`, schema-qualified: the migration drops it, as the due
   * index serves every query it served.
   */
  readonly tokensExpiryIndex: string;
  /** The expiry index of the one-time-key table, unqualified. */
  readonly onceExpiryIndex: string;
  /** The user index of the session table, unqualified: `deleteSessions(userId)`. */
  readonly sessionsUserIndex: string;
  /** The expiry index of the session table, unqualified: the purge of expired sessions. */
  readonly sessionsExpiryIndex: string;
  /** The unquoted qualified name, which keys the advisory lock that serializes migrations. */
  readonly lockName: string;
}

/**
 * Validates `tableName` and `schema` and returns the quoted names of the store's tables and indexes.
 *
 * @throws ThreadsAuthOptionError (a `TypeError`, code `ERR_THREADS_AUTH_OPTION`) naming `tableName` or `schema`
 * when it is not a plain identifier matching `/^[A-Za-z_][A-Za-z0-9_]*$/`, or when `tableName` is too long.
 */
export function tableNames(options: TableOptions = {}): TableNames {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const schema = options.schema;
  if (typeof tableName !== 'string' || !IDENTIFIER.test(tableName)) {
    throw new ThreadsAuthOptionError('tableName', `must match /^[A-Za-z_][A-Za-z0-9_]*$/, e.g. "${DEFAULT_TABLE_NAME}".`);
  }
  if (tableName.length > MAX_TABLE_NAME_LENGTH) {
    throw new ThreadsAuthOptionError('tableName', `must be at most ${MAX_TABLE_NAME_LENGTH} characters long.`);
  }
  if (schema !== undefined && (typeof schema !== 'string' || !IDENTIFIER.test(schema) || schema.length > 63)) {
    throw new ThreadsAuthOptionError('schema', 'must match /^[A-Za-z_][A-Za-z0-9_]*$/ and be at most 63 characters, e.g. "public".');
  }
  // Validation above leaves nothing that could break out of double quotes.
  const qualify = (name: string) => (schema === undefined ? `"${name}"` : `"${schema}"."${name}"`);
  return {
    tokens: qualify(tableName),
    locks: qualify(`${tableName}_locks`),
    once: qualify(`${tableName}_once`),
    sessions: qualify(`${tableName}_sessions`),
    tokensDueIndex: `"${tableName}_due_idx"`,
    tokensExpiryIndex: qualify(`${tableName}_expires_at_idx`),
    onceExpiryIndex: `"${tableName}_once_expires_at_idx"`,
    sessionsUserIndex: `"${tableName}_sessions_user_idx"`,
    sessionsExpiryIndex: `"${tableName}_sessions_exp_idx"`,
    lockName: schema === undefined ? tableName : `${schema}.${tableName}`,
  };
}

/**
 * The SQL that creates the store's tables and indexes, for apps that run their own migrations. Idempotent
 * (`IF NOT EXISTS` everywhere); contains no transaction control, so a migration tool can wrap it.
 *
 * Tables: `<table>` (`user_id` text primary key, `sealed` text, `issued_at` and `expires_at` bigint
 * milliseconds since the epoch, `updated_at` timestamptz; index `<table>_due_idx` on
 * `(expires_at, user_id COLLATE "C")`, which serves `listDue` and its cursor), `<table>_locks` (refresh locks:
 * `lock_key`, `holder`, `expires_at` timestamptz), `<table>_once` (used one-time keys: `used_key`, `expires_at`
 * timestamptz, indexed) and `<table>_sessions` (`id` text primary key, `user_id` text, `expires_at` bigint
 * milliseconds; indexed on `user_id` and on `expires_at`).
 *
 * Upgrading from a version without `_sessions` and `_due_idx`: run it again. It creates what is missing and drops
 * the former `<table>_expires_at_idx`, which `_due_idx` replaces. `CREATE INDEX` blocks writes to the token
 * table while it builds (about a second per million rows); on a large, busy table create the index first with
 * `CREATE INDEX CONCURRENTLY IF NOT EXISTS "<table>_due_idx" ON "<table>" (expires_at, user_id COLLATE "C")`
 * outside a transaction, and the migration then skips it.
 *
 * @param tableName - The token table. Default `threads_auth_tokens`.
 * @param schema - The schema to create the tables in; it must already exist. Default: the search path.
 * @returns The SQL, several statements separated by `;`.
 * @throws ThreadsAuthOptionError naming `tableName` or `schema` when it is not a plain identifier.
 *
 * @example
 * ```ts
 * import { migration } from '@threads-auth/postgres';
 * fs.writeFileSync('migrations/0007_threads_auth.sql', migration());
 * ```
 */
export function migration(tableName: string = DEFAULT_TABLE_NAME, schema?: string): string {
  return migrationFor(tableNames({ tableName, schema }));
}

/** The migration for already validated names. */
export function migrationFor(names: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.tokens} (
  user_id text PRIMARY KEY,
  sealed text NOT NULL,
  issued_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${names.tokensDueIndex} ON ${names.tokens} (expires_at, user_id COLLATE "C");
DROP INDEX IF EXISTS ${names.tokensExpiryIndex};
CREATE TABLE IF NOT EXISTS ${names.locks} (
  lock_key text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS ${names.once} (
  used_key text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${names.onceExpiryIndex} ON ${names.once} (expires_at);
CREATE TABLE IF NOT EXISTS ${names.sessions} (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${names.sessionsUserIndex} ON ${names.sessions} (user_id);
CREATE INDEX IF NOT EXISTS ${names.sessionsExpiryIndex} ON ${names.sessions} (expires_at);
`;
}

/** How long {@link migrate} may take by default: building an index on a large table takes a while. */
export const DEFAULT_MIGRATION_TIMEOUT_MS = 60_000;

/** Options for {@link migrate}: where the tables live, and how long the migration may take. */
export interface MigrateOptions extends TableOptions {
  /**
   * How long connecting and the migration's statements may take, in milliseconds, before `migrate` rejects.
   * Default 60 000. Raise it for a large existing token table (see {@link migration}).
   */
  readonly timeoutMs?: number;
}

/**
 * Runs {@link migration} on `pool` in one transaction, under a transaction-scoped advisory lock keyed by the
 * table's name: concurrent `CREATE TABLE IF NOT EXISTS` on the same name can otherwise fail with a unique
 * violation in the catalog, so processes starting together would race. Bounded: getting a connection and the
 * statements together take at most `timeoutMs` (the transaction sets its own `statement_timeout` to match, so
 * a pool-wide one shorter than a migration needs does not apply).
 *
 * @param pool - A `pg` Pool connected to the database.
 * @param options - `tableName` and `schema`, as for the store, and `timeoutMs` (default 60 000).
 * @returns Resolves once the tables exist.
 * @throws ThreadsAuthOptionError for an invalid `tableName`, `schema` or `timeoutMs`;
 * {@link PostgresTimeoutError} when it took longer than `timeoutMs`; the database error when a statement fails
 * (e.g. missing privilege or schema).
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const store = new PostgresTokenStore({ pool, createTable: false });
 * ```
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<void> {
  const names = tableNames(options);
  const timeoutMs = toTimeoutMs(options.timeoutMs ?? DEFAULT_MIGRATION_TIMEOUT_MS, 'timeoutMs');
  await migrateNames(pool, names, timeoutMs);
}

/** {@link migrate} for already validated names and timeout. */
export function migrateNames(pool: Pool, names: TableNames, timeoutMs: number): Promise<void> {
  let abandoned = false;
  const work = pool.connect().then((client) => {
    // A connection that arrives after the deadline goes straight back to the pool, unused.
    if (abandoned) {
      client.release();
      return;
    }
    return runMigration(client, names, timeoutMs);
  });
  return withDeadline('migrate()', timeoutMs, work, () => {
    abandoned = true;
  });
}

async function runMigration(client: PoolClient, names: TableNames, timeoutMs: number): Promise<void> {
  const query = (text: string, values?: unknown[]) => client.query(timedQuery(text, values, timeoutMs));
  let broken: Error | undefined;
  try {
    await query('BEGIN');
    await query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    await query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`threads-auth:migrate:${names.lockName}`]);
    await query(migrationFor(names));
    await query('COMMIT');
  } catch (error) {
    await query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is destroyed rather than returned to the pool.
    client.release(broken);
  }
}

/**
 * Validates a timeout option: a positive number of milliseconds that `setTimeout` can wait for.
 *
 * @throws ThreadsAuthOptionError naming `option`.
 */
export function toTimeoutMs(value: unknown, option: string): number {
  if (typeof value !== 'number' || !(Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS)) {
    throw new ThreadsAuthOptionError(option, `must be a positive number of milliseconds, at most ${MAX_TIMER_MS}, e.g. 5000.`);
  }
  return Math.ceil(value);
}
