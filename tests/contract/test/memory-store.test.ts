import { MemoryTokenStore } from '@threads-auth/core';
import { describeTokenStoreContract } from '../src/store-contract.js';

describeTokenStoreContract(
  'MemoryTokenStore',
  async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }),
  {
    knownIssues: {
      'a second release does not free the lock someone took since':
        'MemoryTokenStore identifies a holder by its expiry time, so a repeated release frees a lock re-taken in the same millisecond with the same ttl (core fix: compare a per-acquire token instead)',
    },
  },
);
