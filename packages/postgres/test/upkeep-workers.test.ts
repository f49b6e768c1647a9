/** Two upkeep workers on one PostgreSQL table: each token refreshed once, the other worker's share skipped. */
import { describeUpkeepWorkers } from '@threads-auth/contract-tests/upkeep';
import { PostgresTokenStore } from '../src/index.js';
import { dropTables, openPool, probePostgres, uniqueTableName } from './postgres-server.js';

describeUpkeepWorkers('PostgresTokenStore', await probePostgres(), async () => {
  const tableName = uniqueTableName();
  const pools = [openPool(), openPool()] as const;
  const stores = [new PostgresTokenStore({ pool: pools[0], tableName }), new PostgresTokenStore({ pool: pools[1], tableName })] as const;
  return {
    stores,
    cleanup: async () => {
      for (const store of stores) await store.close();
      await dropTables(pools[0], tableName);
      for (const pool of pools) await pool.end();
    },
  };
});
