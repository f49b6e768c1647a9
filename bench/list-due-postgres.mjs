#!/usr/bin/env node
/**
 * What `PostgresTokenStore.listDue` costs on a million tokens: the first page, and a page 100 000 rows deep
 * reached with the keyset cursor (beside the same page by OFFSET, which the cursor replaces), as the median of
 * several calls, plus `EXPLAIN (ANALYZE, BUFFERS)` of the exact statements the store sent. Then the claiming
 * listing (`DueQuery.claim`) as the upkeep sends it, a page of 500 under one worker's owner: on a fresh lock
 * table, past the first 2 000 due rows claimed by four other owners, and 100 000 rows deep by the cursor; the
 * worker's claims are released between calls (untimed), so each call claims the same rows afresh. Its plans
 * are taken inside a transaction that is rolled back, as EXPLAIN ANALYZE runs the INSERT of the claims.
 *
 *   node bench/list-due-postgres.mjs [--rows 1000000] [--calls 21]
 *
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and a build of
 * @threads-auth/postgres. Works in a scratch table `threads_auth_bench_<random>` (plus its _locks, _once and
 * _sessions), dropped at the end, on failure and on Ctrl-C. Prints Markdown on stdout, progress on stderr.
 */
import { parseArgs } from 'node:util';
import { PostgresTokenStore, migrate } from '@threads-auth/postgres';
import pg from 'pg';
import { median, table } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, calls: { type: 'string', default: '21' } },
});
const ROWS = Number(args.rows);
const CALLS = Number(args.calls);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;
const LIMIT = 100;
/** The upkeep's defaults: `pageSize` 500 and `CLAIM_TTL_MS` (packages/core/src/upkeep.ts). */
const PAGE = 500;
const CLAIM_TTL_MS = 5 * 60_000;
/** Four other workers holding a page of claims each, as four upkeep workers at once do. */
const OTHER_WORKERS = 4;
/** An owner as the upkeep names itself: 12 random bytes, base64url. */
const ownerName = () => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(12))).toString('base64url');

const tableName = `threads_auth_bench_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
// The store's clock stays at the start: its background purge deletes tokens expired by its clock, which would
// otherwise take the front of the listing (rows expiring during the run) away between a check and a call.
const now = Date.now();
const store = new PostgresTokenStore({ pool, tableName, createTable: false, timeoutMs: 30_000, now: () => now });
const log = (line) => process.stderr.write(`${line}\n`);

// The statements the store sends, recorded on their way to pg, to EXPLAIN them exactly as sent.
const sent = [];
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function recordingQuery(config, ...rest) {
  if (typeof config === 'object' && config !== null && /ORDER BY expires_at/.test(config.text ?? '')) sent.push(config);
  return query.call(this, config, ...rest);
};

let dropped = false;
async function dropTables() {
  if (dropped) return;
  dropped = true;
  const names = [tableName, `${tableName}_locks`, `${tableName}_once`, `${tableName}_sessions`];
  await pool.query(`DROP TABLE IF EXISTS ${names.map((n) => `"${n}"`).join(', ')}`);
}
process.once('SIGINT', () => {
  log('interrupted: dropping the scratch tables');
  dropTables().finally(() => process.exit(130));
});

/** `call` 3 times to warm up then CALLS times timed; `check` judges each result, `between` runs untimed after each. */
async function timeCalls(call, { check = () => {}, between = async () => {} } = {}) {
  for (let i = 0; i < 3; i++) {
    check(await call()); // warm-up: plan cache, buffers
    await between();
  }
  const ms = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    const result = await call();
    ms.push(performance.now() - started);
    check(result);
    await between();
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: median(ms), min: sorted[0], max: sorted[sorted.length - 1] };
}

async function explain(config) {
  const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${config.text}`, config.values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** EXPLAIN ANALYZE of a statement that writes (the claims' INSERT), in a transaction rolled back. */
async function explainRolledBack(config) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${config.text}`, config.values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const fmt = (ms) => ms.toFixed(2);

try {
  const { rows: version } = await pool.query('SHOW server_version');
  await migrate(pool, { tableName });
  // Load without the due index, then build it by running the migration again: that is the cost an upgrade pays.
  await pool.query(`DROP INDEX "${tableName}_due_idx"`);
  log(`loading ${ROWS} rows into ${tableName} ...`);
  let started = performance.now();
  // Tokens issued over the last 60 days, each valid 60 days, expiry at whole minutes so that several users
  // share each expiry instant (about 12 per minute at a million rows) and the cursor has ties to break.
  await pool.query(
    `INSERT INTO "${tableName}" (user_id, sealed, issued_at, expires_at)
     SELECT (17841400000000000 + g)::text,
            'v1.' || md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || md5((g + 3)::text),
            issued,
            issued + 60 * 86400000::bigint
     FROM (SELECT g, ($1::bigint - (abs(hashint4(g)::bigint) % (60 * 1440)) * 60000) / 60000 * 60000 AS issued
           FROM generate_series(1, $2::int) AS g) AS t`,
    [now, ROWS],
  );
  const loadMs = performance.now() - started;
  started = performance.now();
  await migrate(pool, { tableName });
  const indexMs = performance.now() - started;
  await pool.query(`VACUUM ANALYZE "${tableName}"`);
  log(`loaded in ${fmt(loadMs)} ms, due index built in ${fmt(indexMs)} ms`);

  // What refreshDue asks with its defaults: at least a day old, expiring within the 7-day refresh window.
  const due = { issuedBefore: now - DAY, expiresBefore: now + 7 * DAY, expiresAfter: now, limit: LIMIT };
  const { rows: counted } = await pool.query(
    `SELECT count(*)::int AS n FROM "${tableName}" WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3`,
    [due.issuedBefore, due.expiresBefore, due.expiresAfter],
  );
  const matching = counted[0].n;
  // 100 000 rows deep, or halfway down a smaller listing (a --rows run for a quick check).
  const DEEP = matching > 100_000 + LIMIT ? 100_000 : Math.floor(matching / 2);
  const { rows: deepRow } = await pool.query(
    `SELECT user_id, expires_at FROM "${tableName}" WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3
     ORDER BY expires_at, user_id COLLATE "C" OFFSET $4 LIMIT 1`,
    [due.issuedBefore, due.expiresBefore, due.expiresAfter, DEEP - 1],
  );
  const after = { expiresAt: Number(deepRow[0].expires_at), userId: deepRow[0].user_id };

  // The cursor page must be the rows right after the cursor: the first of them is the one OFFSET lands on.
  const page = await store.listDue({ ...due, after });
  const { rows: byOffset } = await pool.query(
    `SELECT user_id FROM "${tableName}" WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3
     ORDER BY expires_at, user_id COLLATE "C" OFFSET $4 LIMIT $5`,
    [due.issuedBefore, due.expiresBefore, due.expiresAfter, DEEP, LIMIT],
  );
  if (page.length !== LIMIT || page.map((t) => t.userId).join() !== byOffset.map((r) => r.user_id).join()) {
    throw new Error('the cursor page does not match the OFFSET page: the listing is wrong, figures would mean nothing');
  }

  log(`timing ${CALLS} calls each ...`);
  sent.length = 0;
  const first = await timeCalls(() => store.listDue(due));
  const firstSql = sent[0];
  sent.length = 0;
  const deep = await timeCalls(() => store.listDue({ ...due, after }));
  const deepSql = sent[0];
  const offset = await timeCalls(() =>
    pool.query(`${firstSql.text.replace(/LIMIT \$4\s*$/, 'OFFSET $5 LIMIT $4')}`, [...firstSql.values, DEEP]),
  );
  const firstPlan = await explain(firstSql);
  const deepPlan = await explain(deepSql);
  // The plain listing at the upkeep's page size, beside the claiming one.
  const plainPage = await timeCalls(() => store.listDue({ ...due, limit: PAGE }));

  // The claiming listing, as refreshDue sends it: pages of PAGE, one owner per worker, the upkeep's claim ttl.
  const locks = `"${tableName}_locks"`;
  const worker = ownerName();
  const claimQuery = { ...due, limit: PAGE, claim: { ttlMs: CLAIM_TTL_MS, owner: worker } };
  const release = () => store.releaseClaims(worker);
  /** The user ids of the PAGE due rows after the first `offset`, by plain SQL: what a claiming page must hold. */
  const idsAt = async (offset) => {
    const { rows } = await pool.query(
      `SELECT user_id FROM "${tableName}" WHERE issued_at <= $1 AND expires_at <= $2 AND expires_at > $3
       ORDER BY expires_at, user_id COLLATE "C" OFFSET $4 LIMIT $5`,
      [due.issuedBefore, due.expiresBefore, due.expiresAfter, offset, PAGE],
    );
    return rows.map((r) => r.user_id).join();
  };
  const expect = (ids, what) => (page) => {
    const got = page.map((t) => t.userId);
    if (got.join() !== ids) {
      const want = ids.split(',');
      const at = got.findIndex((id, i) => id !== want[i]);
      throw new Error(`the claiming page ${what} is not the rows it should claim: ${got.length} rows, row ${at} is ${got[at]} where ${want[at]} was due`);
    }
  };
  /** Times one claiming case; returns its timings, its first statement as sent, and statements per call. */
  const timeClaims = async (query, ids, what) => {
    sent.length = 0;
    const timing = await timeCalls(() => store.listDue(query), { check: expect(ids, what), between: release });
    return { ...timing, sql: sent[0], statements: sent.length / (CALLS + 3) };
  };
  // A lock table as the upkeep leaves it between runs: empty, vacuumed and analyzed.
  await pool.query(`VACUUM ANALYZE ${locks}`);
  const claimFirst = await timeClaims(claimQuery, await idsAt(0), 'on a fresh table');
  const claimFirstPlan = await explainRolledBack(claimFirst.sql);
  const claimDeep = await timeClaims({ ...claimQuery, after }, await idsAt(DEEP), `after row ${DEEP}`);
  const claimDeepPlan = await explainRolledBack(claimDeep.sql);
  // Other workers hold a page each: the first HELD due rows are theirs, and the worker's page is the rows after.
  const HELD = OTHER_WORKERS * PAGE;
  for (let i = 0; i < OTHER_WORKERS; i++) {
    const held = await store.listDue({ ...due, limit: PAGE, claim: { ttlMs: CLAIM_TTL_MS, owner: ownerName() } });
    if (held.length !== PAGE) throw new Error('another worker did not get a whole page of claims');
  }
  await pool.query(`ANALYZE ${locks}`);
  const claimHeld = await timeClaims(claimQuery, await idsAt(HELD), `past ${HELD} held rows`);
  const claimHeldPlan = await explainRolledBack(claimHeld.sql);
  await pool.query(`DELETE FROM ${locks}`);

  const out = [
    `PostgreSQL ${version[0].server_version}, ${ROWS.toLocaleString('en-US')} tokens, ${matching.toLocaleString('en-US')} of them due ` +
      `(issued over a day ago, expiring within 7 days); limit ${LIMIT}; median of ${CALLS} calls after 3 warm-up calls, ` +
      'wall time in the client (one round trip on loopback included).',
    '',
    table(
      ['listDue', 'median ms', 'min ms', 'max ms'],
      [
        ['first page', fmt(first.median), fmt(first.min), fmt(first.max)],
        [`page after row ${DEEP.toLocaleString('en-US')}, keyset cursor \`after\``, fmt(deep.median), fmt(deep.min), fmt(deep.max)],
        [`same page by \`OFFSET ${DEEP}\` (for comparison; not what the store does)`, fmt(offset.median), fmt(offset.min), fmt(offset.max)],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    '',
    `Claiming listing (\`DueQuery.claim\`) as the upkeep sends it: limit ${PAGE} (the upkeep's page size), claim ttl ` +
      `${CLAIM_TTL_MS / 60_000} min, one owner for the worker; its claims released after each call (untimed), so each call ` +
      'claims the same rows afresh and commits their inserts.',
    '',
    table(
      ['listDue, limit 500', 'median ms', 'min ms', 'max ms', 'statements per call'],
      [
        ['plain first page (no claim), for comparison', fmt(plainPage.median), fmt(plainPage.min), fmt(plainPage.max), '1'],
        ['claiming first page, no claims held', fmt(claimFirst.median), fmt(claimFirst.min), fmt(claimFirst.max), String(claimFirst.statements)],
        [
          `claiming page while ${OTHER_WORKERS} other owners hold the first ${HELD.toLocaleString('en-US')} due rows`,
          fmt(claimHeld.median),
          fmt(claimHeld.min),
          fmt(claimHeld.max),
          String(claimHeld.statements),
        ],
        [
          `claiming page after row ${DEEP.toLocaleString('en-US')}, keyset cursor \`after\``,
          fmt(claimDeep.median),
          fmt(claimDeep.min),
          fmt(claimDeep.max),
          String(claimDeep.statements),
        ],
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Loading the rows took ${fmt(loadMs)} ms; building \`_due_idx\` over them (the migration on an existing table) ${fmt(indexMs)} ms.`,
    '',
    'First page, as the store sent it:',
    '',
    '```',
    firstSql.text.replace(/\s+/g, ' ').trim(),
    '',
    firstPlan,
    '```',
    '',
    'Cursor page:',
    '',
    '```',
    deepSql.text.replace(/\s+/g, ' ').trim(),
    '',
    deepPlan,
    '```',
    '',
    'Claiming first page, as the store sent it (EXPLAIN ANALYZE in a transaction rolled back):',
    '',
    '```',
    claimFirst.sql.text.replace(/\s+/g, ' ').trim(),
    '',
    claimFirstPlan,
    '```',
    '',
    `Claiming page past the ${HELD.toLocaleString('en-US')} rows other owners hold:`,
    '',
    '```',
    claimHeldPlan,
    '```',
    '',
    `Claiming page after row ${DEEP.toLocaleString('en-US')}:`,
    '',
    '```',
    claimDeep.sql.text.replace(/\s+/g, ' ').trim(),
    '',
    claimDeepPlan,
    '```',
  ];
  process.stdout.write(`${out.join('\n').replaceAll(tableName, 'threads_auth_bench')}\n`);
} finally {
  await dropTables();
  await store.close();
  await pool.end();
  log(`dropped ${tableName}`);
}
