/**
 * One upkeep worker of bench/upkeep.mjs, in a process of its own: a threads-auth instance on the shared store
 * (Redis or PostgreSQL) and the fake Threads, running one `refreshDue` when the parent says `run`, and
 * answering with the report's counts, its wall time, its peak RSS (`process.resourceUsage().maxRSS`, the
 * whole life of this process, which runs one upkeep and nothing else), its peak V8 heap (sampled every 100 ms)
 * and the heap still in use after a full GC at the end.
 */
import { createThreadsAuth } from '@threads-auth/core';
import { PostgresTokenStore } from '@threads-auth/postgres';
import { RedisTokenStore } from '@threads-auth/redis';
import pg from 'pg';
import { announceReady, serveParent } from './lib/serve-parent.mjs';

const config = JSON.parse(process.env.UPKEEP_WORKER ?? '{}');
const now = () => Date.now() + config.shiftMs;
const store =
  config.store === 'redis'
    ? new RedisTokenStore({ url: config.redisUrl, keyPrefix: config.keyPrefix, now })
    : new PostgresTokenStore({ pool: new pg.Pool({ connectionString: config.databaseUrl, max: 16 }), tableName: config.tableName, createTable: false, now });
const auth = createThreadsAuth({ ...config.auth, store, now });

serveParent(
  {
    async run({ concurrency, pageSize }) {
      const rssBefore = process.memoryUsage().rss;
      let peakHeap = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }, 100);
      const started = performance.now();
      const report = await auth.refreshDue({ concurrency, pageSize, maxFailures: 10 });
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      // What the run still holds once garbage is gone (started with --expose-gc).
      globalThis.gc?.();
      return {
        wallMs,
        rssBefore,
        peakHeap,
        heapAfterGc: process.memoryUsage().heapUsed,
        maxRss: process.resourceUsage().maxRSS * 1024,
        report: { ...report, failures: report.failures.map((f) => f.error.message) },
      };
    },
  },
  async () => {
    await store.close();
  },
);
if (config.store === 'redis') await store.ready();
announceReady();
