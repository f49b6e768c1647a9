/**
 * The tables of `PostgresTokenStore`: their names, the migration that creates them, and {@link migrate}, which
 * runs it safely while other processes may be doing the same.
 *
 * @module
 */
import { ThreadsAuthOptionError } from '@threads-auth/core';
import type { Pool } from 'pg';

/** The default name of the token table. */
export const DEFAULT_TABLE_NAME = 'threads_auth_tokens';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** PostgreSQL truncates identifiers past 63 bytes; the longest derived name adds `_once_expires_at_idx` (20). */
const MAX_TABLE_NAME_LENGTH = 63 - '_once_expires_at_idx'.length;

/** Where the tables live: `tableName` (default `threads_auth_tokens`) in `schema` (default: the search path). */
export interface TableOptions {
  /** The token table's name; the lock and one-time-key tables add `_locks` and `_once`. Default `threads_auth_tokens`. */
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
  /** The expiry index of the token table, unqualified (an index lives in its table's schema). */
  readonly tokensExpiryIndex: string;
  /** The expiry index of the one-time-key table, unqualified. */
  readonly onceExpiryIndex: string;
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
    tokensExpiryIndex: `"${tableName}_expires_at_idx"`,
    onceExpiryIndex: `"${tableName}_once_expires_at_idx"`,
    lockName: schema === undefined ? tableName : `${schema}.${tableName}`,
  };
}

/**
 * The SQL that creates the store's tables and indexes, for apps that run their own migrations. Idempotent
 * (`IF NOT EXISTS` everywhere); contains no transaction control, so a migration tool can wrap it.
 *
 * Tables: `<table>` (`user_id` text primary key, `sealed` text, `issued_at` and `expires_at` bigint
 * milliseconds since the epoch, `updated_at` timestamptz; index on `expires_at`), `<table>_locks` (refresh
 * locks: `lock_key`, `holder`, `expires_at` timestamptz) and `<table>_once` (used one-time keys: `used_key`,
 * `expires_at` timestamptz, indexed).
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
CREATE INDEX IF NOT EXISTS ${names.tokensExpiryIndex} ON ${names.tokens} (expires_at);
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
`;
}

/**
 * Runs {@link migration} on `pool` in one transaction, under a transaction-scoped advisory lock keyed by the
 * table's name: concurrent `CREATE TABLE IF NOT EXISTS` on the same name can otherwise fail with a unique
 * violation in the catalog, so processes starting together would race.
 *
 * @param pool - A `pg` Pool connected to the database.
 * @param options - `tableName` and `schema`, as for the store.
 * @returns Resolves once the tables exist.
 * @throws ThreadsAuthOptionError for an invalid `tableName` or `schema`; the database error when a statement
 * fails (e.g. missing privilege or schema).
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const store = new PostgresTokenStore({ pool, createTable: false });
 * ```
 */
export async function migrate(pool: Pool, options: TableOptions = {}): Promise<void> {
  await migrateNames(pool, tableNames(options));
}

/** {@link migrate} for already validated names. */
export async function migrateNames(pool: Pool, names: TableNames): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`threads-auth:migrate:${names.lockName}`]);
    await client.query(migrationFor(names));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is destroyed rather than returned to the pool.
    client.release(broken);
  }
}
