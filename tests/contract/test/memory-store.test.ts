import { MemoryTokenStore } from '@threads-auth/core';
import { describeTokenStoreContract } from '../src/store-contract.js';

describeTokenStoreContract('MemoryTokenStore', async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }));
