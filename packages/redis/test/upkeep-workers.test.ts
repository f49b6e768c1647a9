/**
 * Two upkeep workers on one Redis (one key prefix, a client each): each token refreshed once, the other
 * worker's share skipped. Passes whether or not the store honours `listDue`'s cursor: the upkeep skips what a
 * store without it lists again.
 */
import { describeUpkeepWorkers } from '@threads-auth/contract-tests/upkeep';
import { RedisTokenStore } from '../src/index.js';
import { REDIS_URL, connect, deletePrefix, probeRedis, uniquePrefix } from './redis-server.js';

describeUpkeepWorkers('RedisTokenStore', await probeRedis(), async () => {
  const keyPrefix = uniquePrefix();
  const stores = [new RedisTokenStore({ url: REDIS_URL, keyPrefix }), new RedisTokenStore({ url: REDIS_URL, keyPrefix })] as const;
  return {
    stores,
    cleanup: async () => {
      for (const store of stores) await store.close();
      const client = connect();
      await deletePrefix(client, keyPrefix);
      client.disconnect();
    },
  };
});
