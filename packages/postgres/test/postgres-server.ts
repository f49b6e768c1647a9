/**
 * The PostgreSQL server the tests run against (`DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`):
 * a probe that says why it cannot be reached, and isolated fixtures (a random table name each, dropped afterwards).
 */
import type { TokenStoreFixture, TokenStoreUnavailable } from '@threads-auth/contract-tests/store';
import pg from 'pg';
import { PostgresTokenStore, type PostgresTokenStoreOptions } from '../src/index.js';

export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `DATABASE_URL` without its password, fit for a test name. */
export const DATABASE_URL_SHOWN = DATABASE_URL.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Resolves `undefined` when PostgreSQL answers `SELECT 1`, or the reason it does not. */
export async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL unavailable at ${DATABASE_URL_SHOWN} (${(error as Error).message || String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A table name no other test or run uses. */
export function uniqueTableName(): string {
  return `threads_auth_test_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/** A pool of the tests' own. */
export function openPool(): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
}

/** Drops the four tables of `tableName` (in `schema`, if given). */
export async function dropTables(pool: pg.Pool, tableName: string, schema?: string): Promise<void> {
  const q = (name: string) => (schema === undefined ? `"${name}"` : `"${schema}"."${name}"`);
  const tables = [tableName, `${tableName}_locks`, `${tableName}_once`, `${tableName}_sessions`];
  await pool.query(`DROP TABLE IF EXISTS ${tables.map(q).join(', ')}`);
}

/** The contract fixture: a store on a pool of its own with a fresh table, dropped and closed afterwards. */
export function postgresFixture(
  unavailable: string | undefined,
  storeOptions: Omit<PostgresTokenStoreOptions, 'pool' | 'connectionString' | 'tableName'> = {},
): () => Promise<TokenStoreFixture | TokenStoreUnavailable> {
  return async () => {
    if (unavailable !== undefined) return { skip: unavailable };
    const pool = openPool();
    const tableName = uniqueTableName();
    const store = new PostgresTokenStore({ ...storeOptions, pool, tableName });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropTables(pool, tableName);
        await pool.end();
      },
    };
  };
}
