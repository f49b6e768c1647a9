/** threads-auth on a real PostgreSQL behind a fault proxy: never-lost refreshes, bounded calls, recovery. */
import { describeStoreFaults } from '@threads-auth/contract-tests/store-faults';
import pg from 'pg';
import { PostgresTokenStore } from '../src/index.js';
import { DATABASE_URL, dropTables, probePostgres } from './postgres-server.js';

const unavailable = await probePostgres();
const url = new URL(DATABASE_URL);

describeStoreFaults(
  'PostgresTokenStore',
  unavailable !== undefined
    ? { skip: unavailable }
    : {
        host: url.hostname,
        port: Number(url.port || 5432),
        async cleanup(scope) {
          const pool = new pg.Pool({ connectionString: DATABASE_URL });
          await dropTables(pool, scope);
          await pool.end();
        },
      },
  (address, scope) => {
    const at = new URL(DATABASE_URL);
    at.hostname = address.host;
    at.port = String(address.port);
    return new PostgresTokenStore({ connectionString: at.toString(), tableName: scope, timeoutMs: 800 });
  },
);
