import { describeTokenStoreContract } from '@threads-auth/contract-tests/store';
import { postgresFixture, probePostgres } from './postgres-server.js';

const unavailable = await probePostgres();

describeTokenStoreContract('PostgresTokenStore', postgresFixture(unavailable));
// Behind PgBouncer in transaction mode the statements go unnamed: the same contract, the other wire path.
describeTokenStoreContract('PostgresTokenStore, preparedStatements: false', postgresFixture(unavailable, { preparedStatements: false }));
