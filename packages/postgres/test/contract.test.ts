import { describeTokenStoreContract } from '@threads-auth/contract-tests/store';
import { postgresFixture, probePostgres } from './postgres-server.js';

const unavailable = await probePostgres();

describeTokenStoreContract('PostgresTokenStore', postgresFixture(unavailable));
