/**
 * `@threads-auth/postgres`: a PostgreSQL {@link PostgresTokenStore} for threads-auth, durable across restarts,
 * with {@link migration} and {@link migrate} for apps that run their own migrations.
 *
 * @module
 */
export { PostgresTimeoutError } from './deadline.js';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './postgres-token-store.js';
export { DEFAULT_TABLE_NAME, type MigrateOptions, migrate, migration, type TableNames, type TableOptions } from './schema.js';
