/**
 * One upkeep worker of bench/upkeep.mjs, in a process of its own: a threads-auth instance on the shared store
 * (Redis or PostgreSQL) and the fake Threads, running one `refreshDue` when the parent says `run`, and
 * answering with the report's counts, its wall time, its peak RSS (`process.resourceUsage().maxRSS`, the
 * whole life of this process, which runs one upkeep and nothing else), its peak V8 heap (sampled every 100 ms),
 * its peak live heap (the heap in use right after a full GC, every 5 s: what the run really holds) and the heap
 * still in use after a full GC at the end, and the CPU time it used during the run.
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
    : new PostgresTokenStore({ pool: new pg.Pool({ connectionString: config.databaseUrl, max: 16 }), tableName: config.tableName, createTable: false, preparedStatements: config.preparedStatements !== false, now });
const auth = createThreadsAuth({ ...config.auth, store, now });

serveParent(
  {
    async run({ concurrency, pageSize }) {
      const rssBefore = process.memoryUsage().rss;
      let peakHeap = process.memoryUsage().heapUsed;
      let peakLive = 0;
      const sampler = setInterval(() => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }, 100);
      // What the run holds at a moment, garbage excluded: a full GC every 5 s, then the heap in use. Peak RSS and
      // peak heap also count garbage V8 has not collected yet, which grows with the length of the run.
      const liveSampler = setInterval(() => {
        globalThis.gc?.();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }, 5_000);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const report = await auth.refreshDue({ concurrency, pageSize, maxFailures: 10 });
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      clearInterval(sampler);
      clearInterval(liveSampler);
      // What the run still holds once garbage is gone (started with --expose-gc).
      globalThis.gc?.();
      return {
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBefore,
        peakHeap,
        heapAfterGc: process.memoryUsage().heapUsed,
        peakLive,
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
