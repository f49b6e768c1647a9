// listDue on RedisTokenStore with 1 000 000 tokens: the cost of the first page and of a page deep into the
// keyset cursor (median of several calls), wall time and Redis' own time per command, beside what an OFFSET read
// at the same depth would cost. Then the claiming listing (`DueQuery.claim`, the CLAIM_DUE script) as the upkeep
// sends it, a page of 500 under one worker's owner: with no claims held, past the first 2 000 tokens claimed by
// four other owners, and after a cursor at token 100 000; the worker's claims are released after each call
// (untimed), so each call claims the same tokens afresh. Redis' own time per EVAL comes from INFO commandstats
// read before and after each timed call.
//
//   node bench/list-due-redis.mjs                 # after a build; starts a throwaway redis-server on a free port
//   node bench/list-due-redis.mjs --url redis://127.0.0.1:6379   # or REDIS_URL: an existing Redis
//   node bench/list-due-redis.mjs --tokens 200000 --calls 21
//
// Every key is under `threads-auth-bench:<run id>:` and is deleted at the end (also on failure and Ctrl-C).
// Needs about 700 MB of Redis memory for a million tokens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RedisTokenStore } from '@threads-auth/redis';
import { Redis } from 'ioredis';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    tokens: { type: 'string', default: '1000000' },
    calls: { type: 'string', default: '15' },
    limit: { type: 'string', default: '100' },
  },
});
const TOKENS = Number(args.tokens);
const CALLS = Number(args.calls);
const LIMIT = Number(args.limit);
const DAY = 86_400_000;
const BATCH = 5_000;
// A sealed token as threads-auth writes it is about this long (AES-256-GCM of the token record, base64url).
const SEALED = 'v1.'.padEnd(360, 'A-_z09xY');
/** The upkeep's defaults: `pageSize` 500 and `CLAIM_TTL_MS` (packages/core/src/upkeep.ts). */
const PAGE = 500;
const CLAIM_TTL_MS = 5 * 60_000;
/** Four other workers holding a page of claims each, as four upkeep workers at once do. */
const OTHER_WORKERS = 4;
const HELD = OTHER_WORKERS * PAGE;
// 100 000 tokens deep, or halfway down a smaller set (a --tokens run for a quick check).
const CLAIM_DEPTH = Math.min(100_000, Math.floor(TOKENS / 2));
/** An owner as the upkeep names itself: 12 random bytes, base64url. */
const ownerName = () => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(12))).toString('base64url');

const log = (line) => process.stderr.write(`${line}\n`);

/** A throwaway redis-server on a free port, or the Redis at --url / REDIS_URL. */
async function redisTarget() {
  const url = args.url ?? process.env.REDIS_URL;
  if (url !== undefined) return { url, stop: async () => {}, own: false };
  const port = await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const dir = await mkdtemp(join(tmpdir(), 'threads-auth-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await Promise.race([
    once(child, 'spawn'),
    once(child, 'error').then(([error]) => {
      throw new Error(`bench: cannot start redis-server (${error.code}); install Redis or pass --url`);
    }),
  ]);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { url: `redis://127.0.0.1:${port}`, stop, own: true };
}

const target = await redisTarget();
const redis = new Redis(target.url, { maxRetriesPerRequest: 3, retryStrategy: (times) => (times > 50 ? null : 100) });
redis.on('error', () => {});
const keyPrefix = `threads-auth-bench:${globalThis.crypto.randomUUID()}:`;
let cleaning;

async function cleanUp() {
  cleaning ??= (async () => {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${keyPrefix}}*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    log(`cleaned up ${deleted} keys`);
    await redis.quit().catch(() => redis.disconnect());
    await target.stop();
  })();
  return cleaning;
}
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  cleanUp().finally(() => process.exit(130));
});

try {
  for (let attempt = 0; ; attempt++) {
    try {
      await redis.ping();
      break;
    } catch (error) {
      if (attempt > 50) throw new Error(`bench: Redis does not answer at ${target.url} (${error.message})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  const store = new RedisTokenStore({ client: redis, keyPrefix, cache: false, timeoutMs: 30_000 });
  const now = Date.now();

  // Expiries spread over 59 days, four users per instant (ties the cursor must break by user id).
  const expiry = (i) => now + DAY + Math.floor(i / 4) * Math.floor((58 * DAY) / (TOKENS / 4));
  const userId = (i) => String(17_841_400_000_000_000n + BigInt(i) * 7_919n);
  log(`writing ${TOKENS} tokens through RedisTokenStore.set, ${BATCH} in flight (pipelined on one connection)…`);
  const writeStart = performance.now();
  for (let from = 0; from < TOKENS; from += BATCH) {
    const writes = [];
    for (let i = from; i < Math.min(from + BATCH, TOKENS); i++) {
      writes.push(store.set({ userId: userId(i), sealed: SEALED, issuedAt: now - 2 * DAY, expiresAt: expiry(i) }));
    }
    await Promise.all(writes);
    if ((from / BATCH) % 40 === 0) log(`  ${from + writes.length}`);
  }
  const writeSeconds = (performance.now() - writeStart) / 1000;
  const dueKey = `{${keyPrefix}}due`;
  if ((await redis.zcard(dueKey)) !== TOKENS) throw new Error('bench: the index does not hold every token');
  const memory = /used_memory_human:(\S+)/.exec(await redis.info('memory'))?.[1];

  const query = { issuedBefore: now, expiresBefore: now + 60 * DAY, expiresAfter: now, limit: LIMIT };
  const depth = Math.floor(TOKENS * 0.9);
  const deepCursor = { expiresAt: expiry(depth - 1), userId: userId(depth - 1) };

  /** Redis' own microseconds per call of each command, from INFO commandstats before and after. */
  async function commandStats() {
    const text = await redis.info('commandstats');
    const stats = {};
    for (const match of text.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)) stats[match[1]] = { calls: Number(match[2]), usec: Number(match[3]) };
    return stats;
  }
  /**
   * `run` 3 times to warm up, then CALLS times timed; `between` runs untimed after each call (the claims'
   * release, itself an EVAL), so commandstats are read around each timed call alone.
   */
  async function measure(name, run, check, between = async () => {}) {
    for (let i = 0; i < 3; i++) {
      check(await run());
      await between();
    }
    const times = [];
    const totals = {};
    for (let i = 0; i < CALLS; i++) {
      const before = await commandStats();
      const start = performance.now();
      const result = await run();
      times.push(performance.now() - start);
      const after = await commandStats();
      check(result);
      await between();
      for (const command of ['zrangebylex', 'mget', 'eval']) {
        totals[command] ??= { calls: 0, usec: 0 };
        totals[command].calls += (after[command]?.calls ?? 0) - (before[command]?.calls ?? 0);
        totals[command].usec += (after[command]?.usec ?? 0) - (before[command]?.usec ?? 0);
      }
    }
    const server = {};
    for (const [command, { calls, usec }] of Object.entries(totals)) {
      if (calls > 0) server[command] = { perCommand: usec / calls, perCall: usec / CALLS, callsPerCall: calls / CALLS };
    }
    times.sort((a, b) => a - b);
    const result = { name, median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1), server };
    log(`  ${name}: median ${result.median.toFixed(2)} ms`);
    return result;
  }

  // Let Redis finish the incremental rehashing of its grown key table, which would slow down the first row only.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  log(`measuring, ${CALLS} calls each after 3 warm-up calls; two passes, the second reported…`);
  const cases = [
    {
      name: `listDue first page (limit ${LIMIT})`,
      run: () => store.listDue(query),
      check: (page) => page.length === LIMIT && page[0].userId === userId(0),
    },
    {
      name: `listDue after a cursor at token ${depth.toLocaleString('en')} (limit ${LIMIT})`,
      run: () => store.listDue({ ...query, after: deepCursor }),
      check: (page) => page.length === LIMIT && page[0].userId === userId(depth),
    },
    {
      name: `for comparison: ZRANGEBYLEX … LIMIT ${depth} ${LIMIT} (an OFFSET at the same depth)`,
      run: () => redis.zrangebylex(dueKey, '-', '+', 'LIMIT', depth, LIMIT),
      check: (members) => members.length === LIMIT,
    },
  ];
  // The claiming listing, as refreshDue sends it: pages of PAGE, one owner per worker, the upkeep's claim ttl.
  const worker = ownerName();
  const claimQuery = { ...query, limit: PAGE, claim: { ttlMs: CLAIM_TTL_MS, owner: worker } };
  /** A page of PAGE tokens from token `from` on, in order. */
  const pageFrom = (from) => (page) =>
    page.length === PAGE && page.every((token, i) => token.userId === userId(from + i));
  const release = () => store.releaseClaims(worker);
  const others = [];
  const claimCases = [
    {
      name: `\`listDue\` first page, no claim (limit ${PAGE}), for comparison`,
      run: () => store.listDue({ ...query, limit: PAGE }),
      check: pageFrom(0),
    },
    { name: 'claiming first page, no claims held', run: () => store.listDue(claimQuery), check: pageFrom(0), between: release },
    {
      name: `claiming page after a cursor at token ${CLAIM_DEPTH.toLocaleString('en')}`,
      run: () => store.listDue({ ...claimQuery, after: { expiresAt: expiry(CLAIM_DEPTH - 1), userId: userId(CLAIM_DEPTH - 1) } }),
      check: pageFrom(CLAIM_DEPTH),
      between: release,
    },
    {
      name: `claiming page while ${OTHER_WORKERS} other owners hold the first ${HELD.toLocaleString('en')} tokens`,
      // The other workers claim a page each, in turn: tokens 0 … HELD - 1.
      setup: async () => {
        for (let i = 0; i < OTHER_WORKERS; i++) {
          const owner = ownerName();
          others.push(owner);
          const held = await store.listDue({ ...query, limit: PAGE, claim: { ttlMs: CLAIM_TTL_MS, owner } });
          if (!pageFrom(i * PAGE)(held)) throw new Error('bench: another worker did not claim the page it should');
        }
      },
      teardown: async () => {
        for (const owner of others.splice(0)) await store.releaseClaims(owner);
      },
      run: () => store.listDue(claimQuery),
      check: pageFrom(HELD),
      between: release,
    },
  ];
  const pass = async (list) => {
    const results = [];
    for (const c of list) {
      await c.setup?.();
      results.push(
        await measure(
          c.name,
          c.run,
          (result) => {
            if (!c.check(result)) throw new Error(`bench: wrong result for ${c.name}`);
          },
          c.between,
        ),
      );
      await c.teardown?.();
    }
    return results;
  };
  await pass(cases);
  const rows = await pass(cases);
  await pass(claimCases);
  const claimRows = await pass(claimCases);
  const claimsLeft = await redis.zcard(`{${keyPrefix}}claims`);
  if (claimsLeft !== 0) throw new Error(`bench: ${claimsLeft} claims left after releasing them all`);

  const us = (value) => (value === undefined ? '—' : `${Math.round(value?.perCommand ?? value).toLocaleString('en')} µs`);
  const lines = [
    `listDue on RedisTokenStore: ${TOKENS.toLocaleString('en')} tokens, Redis ${version} (${target.own ? 'own redis-server' : 'existing Redis'}), ${memory} used; ${CALLS} calls per row (median, min – max).`,
    '',
    '| call | median | min – max | Redis time per ZRANGEBYLEX | Redis time per MGET |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${r.name} | ${r.median.toFixed(2)} ms | ${r.min.toFixed(2)} – ${r.max.toFixed(2)} ms | ${us(r.server.zrangebylex)} | ${us(r.server.mget)} |`,
    ),
    '',
    `The claiming listing as the upkeep sends it: limit ${PAGE} (the upkeep's page size), claim ttl ${CLAIM_TTL_MS / 60_000} min, ` +
      "one owner for the worker, its claims released after each call (untimed); Redis' time from INFO commandstats " +
      '(`eval` includes the commands the script runs).',
    '',
    '| call (limit 500) | median | min – max | EVALs per call | Redis time per EVAL | Redis time per call |',
    '| --- | --- | --- | --- | --- | --- |',
    ...claimRows.map((r) => {
      const e = r.server.eval;
      const plain = e === undefined;
      const perCall = plain ? (r.server.zrangebylex?.perCall ?? 0) + (r.server.mget?.perCall ?? 0) : e.perCall;
      const commands = plain ? `${r.server.zrangebylex?.callsPerCall ?? 0} ZRANGEBYLEX + ${r.server.mget?.callsPerCall ?? 0} MGET` : String(e.callsPerCall);
      return `| ${r.name} | ${r.median.toFixed(2)} ms | ${r.min.toFixed(2)} – ${r.max.toFixed(2)} ms | ${plain ? `— (${commands})` : commands} | ${plain ? '—' : us(e.perCommand)} | ${us(perCall)} |`;
    }),
    '',
    `Writes: ${TOKENS.toLocaleString('en')} \`set\` calls (one EVAL each, ${BATCH} in flight) in ${writeSeconds.toFixed(1)} s (${Math.round(TOKENS / writeSeconds).toLocaleString('en')}/s).`,
    'A page is `ZRANGEBYLEX {prefix}due (<cursor member> (<expiresBefore>; LIMIT 0 <n>` (O(log N + n)) and one `MGET` of the n records.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cleanUp();
}
