#!/usr/bin/env node
/**
 * One upkeep run over a fleet of stored tokens, all due, with the fake Threads answering every call after
 * `--latency` ms: wall time with 1, 2 and 4 worker processes on one Redis and on one PostgreSQL, refreshes per
 * token (counted by the fake), peak RSS per worker, CPU per refresh (workers, the fake, the store's server when
 * it runs on this machine) and how busy the machine was, against the physical limit
 * `tokens × latency ÷ (workers × concurrency)`. The `poisoned` scenario puts `--poison` tokens first in the
 * listing that no worker can refresh (sealed under a secret rotated away): every other token must still be
 * refreshed in the same run.
 *
 *   node bench/upkeep.mjs [--tokens 100000] [--latency 100] [--concurrency 16] [--page-size 500]
 *                         [--workers 1,2,4] [--stores redis,postgres] [--scenarios clean,poisoned] [--poison 1000]
 *                         [--no-prepared]   (PostgresTokenStore's preparedStatements: false in the workers)
 *   UPKEEP_CPU_PROF=<dir>  writes each worker's CPU profile there (`node --cpu-prof`; bench/profile-summary.mjs reads it)
 *
 * Seeding: the fake mints one long-lived token per user (`issueLongLivedToken`, 58 days old, 2 days left) and a
 * seeding instance adopts each with `auth.adoptToken` (debug_token, then sealed and stored exactly as a sign-in
 * stores it), 64 at a time, while the fake answers without latency; the latency applies to the refreshes.
 * Later runs do not re-seed: the clock of the fake, the workers and the stores moves 58 days ahead, so the
 * tokens the previous run refreshed are due again. Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and
 * PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and a build of the packages.
 * Writes under a random key prefix / table name, removed at the end. Markdown on stdout and in
 * bench/upkeep-results.md, progress on stderr.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createThreadsAuth } from '@threads-auth/core';
import { PostgresTokenStore, migrate } from '@threads-auth/postgres';
import { RedisTokenStore } from '@threads-auth/redis';
import { startFakeThreads } from '@threads-auth/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { killAll, startChild, stopAll } from './lib/children.mjs';
import { table } from './lib/stats.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const DAY = 86_400_000;
const { values: args } = parseArgs({
  options: {
    tokens: { type: 'string', default: '100000' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
    'page-size': { type: 'string', default: '500' },
    workers: { type: 'string', default: '1,2,4' },
    stores: { type: 'string', default: 'redis,postgres' },
    scenarios: { type: 'string', default: 'clean,poisoned' },
    poison: { type: 'string', default: '1000' },
    'no-prepared': { type: 'boolean', default: false },
  },
});
const TOKENS = Number(args.tokens);
const LATENCY = Number(args.latency);
const CONCURRENCY = Number(args.concurrency);
const PAGE_SIZE = Number(args['page-size']);
const WORKERS = args.workers.split(',').map(Number);
const POISON = Number(args.poison);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-upkeep-secret-0123456789-abcdefgh';
const log = (line) => process.stderr.write(`${line}\n`);

process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));

let shiftMs = 0;
const now = () => Date.now() + shiftMs;

/**
 * CPU time (ms) used so far by the live processes whose command name is one of `names` (the store's server on
 * this machine: `postgres` backends, `redis-server`), from /proc; `undefined` where there is no /proc. Read
 * once before and once after a run, never sampled.
 */
function processCpuMs(names) {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      const close = stat.lastIndexOf(')');
      if (!names.includes(stat.slice(stat.indexOf('(') + 1, close))) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
  } catch {
    return undefined;
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** The machine's busy and total CPU time so far (ms, all CPUs), from /proc/stat; `undefined` without it. */
function machineCpuMs() {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy * 10, total: (busy + idle + iowait) * 10 };
  } catch {
    return undefined;
  }
}

const SERVER_PROCESSES = { postgres: ['postgres'], redis: ['redis-server'] };

/** Runs `fn` over `items`, `limit` at a time. */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** A store of the kind, the config a worker needs to open the same one, and how to remove it. */
async function openStore(kind) {
  const id = globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  if (kind === 'redis') {
    const keyPrefix = `threads-auth-bench:${id}:`;
    const store = new RedisTokenStore({ url: REDIS_URL, keyPrefix, now });
    await store.ready();
    return {
      store,
      worker: { store: 'redis', redisUrl: REDIS_URL, keyPrefix },
      async remove() {
        await store.close();
        const client = new Redis(REDIS_URL);
        let cursor = '0';
        do {
          const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          cursor = nextCursor;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
        client.disconnect();
      },
    };
  }
  const tableName = `threads_auth_bench_${id}`;
  const pgPool = new pg.Pool({ connectionString: DATABASE_URL, max: 16 });
  // Created up front: the first writes of a seeding 64 at a time must not all wait on the store's first-use migration.
  await migrate(pgPool, { tableName });
  const store = new PostgresTokenStore({ pool: pgPool, tableName, createTable: false, now });
  return {
    store,
    worker: { store: 'postgres', databaseUrl: DATABASE_URL, tableName, preparedStatements: !args['no-prepared'] },
    async remove() {
      await store.close();
      await pgPool.query(['', '_locks', '_once', '_sessions'].map((s) => `DROP TABLE IF EXISTS "${tableName}${s}"`).join('; '));
      await pgPool.end();
    },
  };
}

const results = [];

async function scenario(kind, name) {
  shiftMs = 0;
  const users = Array.from({ length: TOKENS }, (_, i) => ({ id: `17841${String(i).padStart(12, '0')}`, username: `u${i}` }));
  const poisoned = Array.from({ length: name === 'poisoned' ? POISON : 0 }, (_, i) => ({ id: `99${String(i).padStart(12, '0')}`, username: `p${i}` }));
  // No latency while seeding (debug_token for each adopted token); the refreshes get it below.
  const fake = await startFakeThreads({ users: [...users, ...poisoned], now });
  const opened = await openStore(kind);
  const authConfig = {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: 'http://127.0.0.1:3000/auth/threads/callback',
    secret: SECRET,
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.url,
  };
  try {
    const seeder = createThreadsAuth({ ...authConfig, store: opened.store, now });
    const t0 = performance.now();
    await pool(users, 64, async (user) => {
      const t = fake.issueLongLivedToken({ userId: user.id, issuedAt: now() - 58 * DAY, expiresInSeconds: 60 * 86_400 });
      await seeder.adoptToken({ accessToken: t.accessToken, userId: user.id });
    });
    log(`${kind}/${name}: seeded ${TOKENS} tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    for (const workers of WORKERS) {
      if (name === 'poisoned') {
        // First in the listing (the earliest expiries), and unrefreshable: sealed under a secret rotated away.
        const rotated = createThreadsAuth({ ...authConfig, secret: 'a-secret-rotated-away-0123456789-abcdefg', store: opened.store, now });
        await pool(poisoned, 32, async (user) => {
          const t = fake.issueLongLivedToken({ userId: user.id, issuedAt: now() - 58 * DAY, expiresInSeconds: 59 * 86_400 });
          await rotated.adoptToken({ accessToken: t.accessToken, userId: user.id });
        });
      }
      fake.reset();
      fake.setLatency(LATENCY, 'refresh');
      const children = [];
      for (let i = 0; i < workers; i++) {
        children.push(
          await startChild({
            name: `${kind} worker ${i + 1}/${workers}`,
            script: join(BENCH_DIR, 'upkeep-worker.mjs'),
            nodeArgs: ['--expose-gc', ...(process.env.UPKEEP_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.UPKEEP_CPU_PROF] : [])],
            env: { UPKEEP_WORKER: JSON.stringify({ ...opened.worker, shiftMs, auth: authConfig }) },
          }),
        );
      }
      const started = performance.now();
      const [serverBefore, machineBefore, benchBefore] = [processCpuMs(SERVER_PROCESSES[kind]), machineCpuMs(), process.cpuUsage()];
      const outs = await Promise.all(children.map((c) => c.request('run', { concurrency: CONCURRENCY, pageSize: PAGE_SIZE }, 3 * 3600_000)));
      const wallMs = performance.now() - started;
      // Where the CPU went, per refresh: the workers, this process (the fake Threads, in-process), the store's server.
      const benchCpu = process.cpuUsage(benchBefore);
      const [serverAfter, machineAfter] = [processCpuMs(SERVER_PROCESSES[kind]), machineCpuMs()];
      await Promise.all(children.map((c) => c.stop()));
      const calls = fake.callsTo('refresh');
      const perToken = new Map();
      for (const call of calls) perToken.set(call.query.access_token, (perToken.get(call.query.access_token) ?? 0) + 1);
      const sum = (key) => outs.reduce((n, o) => n + o.report[key], 0);
      const limitMs = (TOKENS * LATENCY) / (workers * CONCURRENCY);
      const row = {
        store: kind,
        scenario: name,
        workers,
        wallMs,
        limitMs,
        refreshed: sum('refreshed'),
        failed: sum('failed'),
        skipped: sum('skipped'),
        revoked: sum('revoked'),
        notDue: sum('notDue'),
        listed: sum('listed'),
        calls: calls.length,
        distinct: perToken.size,
        maxPerToken: Math.max(0, ...perToken.values()),
        maxRss: Math.max(...outs.map((o) => o.maxRss)),
        peakHeap: Math.max(...outs.map((o) => o.peakHeap)),
        heapAfterGc: Math.max(...outs.map((o) => o.heapAfterGc)),
        peakLive: Math.max(...outs.map((o) => o.peakLive ?? 0)),
        rssBefore: Math.max(...outs.map((o) => o.rssBefore)),
        ended: [...new Set(outs.map((o) => o.report.ended))].join(','),
        workerCpuMs: outs.reduce((n, o) => n + o.cpuMs, 0),
        fakeCpuMs: (benchCpu.user + benchCpu.system) / 1000,
        serverCpuMs: serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
        machineBusy: machineBefore === undefined || machineAfter === undefined ? undefined : (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
      };
      results.push(row);
      const messages = [...new Set(outs.flatMap((o) => o.report.failures))];
      if (messages.length > 0) log(`  failures seen: ${messages.slice(0, 3).join(' | ')}`);
      log(`${kind}/${name}, ${workers} worker(s): ${(wallMs / 1000).toFixed(1)} s (limit ${(limitMs / 1000).toFixed(1)} s), listed ${row.listed}, refreshed ${row.refreshed}, revoked ${row.revoked}, notDue ${row.notDue}, failed ${row.failed}, skipped ${row.skipped}, calls ${row.calls} over ${row.distinct} tokens (max ${row.maxPerToken}), peak RSS ${(row.maxRss / 2 ** 20).toFixed(0)} MiB, peak heap ${(row.peakHeap / 2 ** 20).toFixed(0)} MiB, peak live heap ${(row.peakLive / 2 ** 20).toFixed(0)} MiB, heap after GC ${(row.heapAfterGc / 2 ** 20).toFixed(0)} MiB, CPU per refresh ${cpuPerRefresh(row)}, machine busy ${busy(row)}`);
      // The next run finds every token the fleet just refreshed due again, 58 days later.
      shiftMs += 58 * DAY;
    }
  } finally {
    await fake.close();
    await opened.remove();
  }
}

try {
  for (const kind of args.stores.split(',')) for (const name of args.scenarios.split(',')) await scenario(kind, name);
} finally {
  await stopAll();
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** CPU ms per refreshed token: workers / fake Threads / the store's server. */
function cpuPerRefresh(r) {
  const per = (ms) => (ms === undefined ? '–' : (ms / Math.max(1, r.refreshed)).toFixed(2));
  return `${per(r.workerCpuMs)} / ${per(r.fakeCpuMs)} / ${per(r.serverCpuMs)} ms`;
}
function busy(r) {
  return r.machineBusy === undefined ? '–' : `${Math.round(r.machineBusy * 100)} %`;
}
const header = ['store', 'scenario', 'workers', 'wall time', 'limit', 'ratio', 'refreshed', 'failed', 'skipped', 'refreshes / token', 'peak RSS / worker', 'peak heap', 'peak live heap', 'heap after GC', 'CPU / refresh: workers / fake / server', 'machine busy'];
const rows = results.map((r) => [
  r.store,
  r.scenario,
  String(r.workers),
  `${(r.wallMs / 1000).toFixed(1)} s`,
  `${(r.limitMs / 1000).toFixed(1)} s`,
  (r.wallMs / r.limitMs).toFixed(2),
  String(r.refreshed),
  String(r.failed),
  String(r.skipped),
  `${(r.calls / Math.max(1, r.distinct)).toFixed(3)} (max ${r.maxPerToken})`,
  mib(r.maxRss),
  mib(r.peakHeap),
  mib(r.peakLive),
  mib(r.heapAfterGc),
  cpuPerRefresh(r),
  busy(r),
]);
const markdown = [
  `# Upkeep benchmark (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.availableParallelism()} CPUs. ` +
    `${TOKENS} tokens, all due; fake Threads answering after ${LATENCY} ms; concurrency ${CONCURRENCY} per worker; pages of ${PAGE_SIZE}; ` +
    `poisoned: the first ${POISON} tokens in the listing cannot be unsealed. Limit = tokens × latency ÷ (workers × concurrency).`,
  '',
  table(header, rows),
  '',
].join('\n');
writeFileSync(join(BENCH_DIR, 'upkeep-results.md'), markdown);
process.stdout.write(markdown);
