/**
 * What the store does when PostgreSQL misbehaves, with the fault proxy of `@threads-auth/testing` between the
 * store and the real server: a stalled server (every call rejects within `timeoutMs`, and works again once the
 * server answers), a restart that breaks idle pooled connections (the process survives, with the README's own
 * pattern run in a child process so a crash would be an exit), and a lock holder killed with SIGKILL.
 */
import { readFileSync } from 'node:fs';
import type { StoredToken } from '@threads-auth/core';
import { describeUnavailable, isCI } from '@threads-auth/contract-tests/store';
import { type FaultProxy, startFaultProxy } from '@threads-auth/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresTimeoutError, PostgresTokenStore, type PostgresTokenStoreOptions, migrate } from '../src/index.js';
import { DIST_MISSING, startChild } from './child-process.js';
import { DATABASE_URL, dropTables, openPool, probePostgres, uniqueTableName } from './postgres-server.js';

const DAY = 86_400_000;
const unavailable = await probePostgres();

function token(userId: string, sealed: string): StoredToken {
  const now = Date.now();
  return { userId, sealed, issuedAt: now - DAY, expiresAt: now + 30 * DAY };
}

/** `DATABASE_URL` with its host and port replaced by the proxy's. */
function viaProxy(proxy: FaultProxy): string {
  const url = new URL(DATABASE_URL);
  url.host = proxy.address;
  return url.toString();
}

/** Resolves how long `promise` took to settle, and how it settled. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** The first ```ts block after `marker` in the package README. */
function readmeBlock(marker: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(marker);
  const block = at === -1 ? undefined : /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (block === undefined) throw new Error(`README.md has no \`\`\`ts block after ${marker}`);
  return block;
}

/**
 * Appended to a snippet that defines `store`: writes a token, then answers `CHECK` on stdin with `GOT <sealed>`
 * or `FAILED <message>`, and `END` by closing the store and exiting. `READY` once a token is stored and the
 * connections are idle.
 */
const HARNESS = `
import { createInterface } from 'node:readline';
const say = (line) => process.stdout.write(line + '\\n');
await store.set({ userId: 'u1', sealed: 'sealed-u1', issuedAt: Date.now() - 86400000, expiresAt: Date.now() + 86400000 });
await Promise.all([store.get('u1'), store.get('u1')]);
await new Promise((resolve) => setTimeout(resolve, 200));
say('READY');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'CHECK') {
    try {
      say('GOT ' + (await store.get('u1'))?.sealed);
    } catch (error) {
      say('FAILED ' + error.message);
    }
  }
  if (line === 'END') break;
}
process.stdin.destroy();
await store.close();
if (typeof pool !== 'undefined') await pool.end();
say('BYE');
`;

if (unavailable !== undefined) {
  describeUnavailable('PostgresTokenStore faults', unavailable);
} else {
  describe('PostgresTokenStore faults', () => {
    const disposers: Array<() => Promise<void>> = [];

    afterEach(async () => {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    async function proxy(): Promise<FaultProxy> {
      const url = new URL(DATABASE_URL);
      const p = await startFaultProxy({ target: { host: url.hostname, port: Number(url.port || 5432) } });
      disposers.push(() => p.close());
      return p;
    }

    function table(): string {
      const tableName = uniqueTableName();
      disposers.push(async () => {
        const cleaner = openPool();
        await dropTables(cleaner, tableName);
        await cleaner.end();
      });
      return tableName;
    }

    function store(options: PostgresTokenStoreOptions): PostgresTokenStore {
      const s = new PostgresTokenStore(options);
      disposers.push(() => s.close());
      return s;
    }

    /** A fresh schema, dropped afterwards, and the `PGOPTIONS` that make it a child's search path. */
    async function schema(): Promise<{ name: string; env: Record<string, string> }> {
      const name = `threads_auth_test_schema_${globalThis.crypto.randomUUID().slice(0, 8)}`;
      const admin = openPool();
      await admin.query(`CREATE SCHEMA "${name}"`);
      disposers.push(async () => {
        await admin.query(`DROP SCHEMA "${name}" CASCADE`);
        await admin.end();
      });
      return { name, env: { PGOPTIONS: `-c search_path=${name}` } };
    }

    describe('a stalled server', () => {
      const timeoutMs = 400;

      /** Every call of `s` rejects with a PostgresTimeoutError within the bound while stalled. */
      async function expectBounded(s: PostgresTokenStore): Promise<void> {
        // More calls than the pool has connections: the ones waiting for a connection are bounded too.
        const calls: Array<Promise<unknown>> = [
          s.get('u1'),
          s.set(token('u2', 'v2')),
          s.listDue({ issuedBefore: Date.now(), expiresBefore: Date.now() + 60 * DAY, expiresAfter: 0, limit: 10 }),
          s.setSession({ id: 'sess-1', userId: 'u1', expiresAt: Date.now() + DAY }),
          s.acquireLock('refresh:u1', 10_000),
          s.consumeOnce('state:1', 10_000),
          ...Array.from({ length: 8 }, () => s.getSession('sess-1')),
        ];
        const results = await Promise.all(calls.map(timed));
        for (const result of results) {
          expect(result.error).toBeInstanceOf(PostgresTimeoutError);
          expect((result.error as Error).message).toMatch(/did not answer \w+\(\) (within 400 ms \(option "timeoutMs"\)|in time \(pg: )/);
          expect(result.ms).toBeGreaterThanOrEqual(timeoutMs - 5);
          // Generous on a shared 2-core machine: the point is "rejects at the bound", not "hangs".
          expect(result.ms).toBeLessThan(timeoutMs + 1500);
        }
      }

      it('makes every call of the store (its own pool) reject within timeoutMs, then works once the server answers', async () => {
        const p = await proxy();
        const s = store({ connectionString: viaProxy(p), tableName: table(), timeoutMs });
        await s.set(token('u1', 'v1'));
        p.stall();
        await expectBounded(s);
        p.pass();
        expect((await s.get('u1'))?.sealed).toBe('v1');
        await s.set(token('u3', 'v3'));
        expect((await s.get('u3'))?.sealed).toBe('v3');
      });

      it('bounds calls on a pool passed in with no timeouts of its own, and works again after', async () => {
        const p = await proxy();
        const pool = new pg.Pool({ connectionString: viaProxy(p), max: 4 });
        pool.on('error', () => {});
        disposers.push(() => pool.end());
        const s = store({ pool, tableName: table(), timeoutMs });
        await s.set(token('u1', 'v1'));
        p.stall();
        await expectBounded(s);
        p.pass();
        expect((await s.get('u1'))?.sealed).toBe('v1');
      });

      it('bounds the first call while the tables are being created, and creates them once the server answers', async () => {
        const p = await proxy();
        const tableName = table();
        const s = store({ connectionString: viaProxy(p), tableName, timeoutMs });
        p.stall();
        const first = await timed(s.get('u1'));
        expect(first.error).toBeInstanceOf(PostgresTimeoutError);
        expect(first.ms).toBeLessThan(timeoutMs + 1500);
        p.pass();
        await s.set(token('u1', 'v1'));
        expect((await s.get('u1'))?.sealed).toBe('v1');
      });

      it('never sends the statement of a call that timed out, even when its connection arrives later', async () => {
        const p = await proxy();
        const tableName = table();
        const direct = openPool();
        disposers.push(() => direct.end());
        await migrate(direct, { tableName });
        // No connection timeout of its own: the checkout hangs until the proxy passes, after the deadline.
        const pool = new pg.Pool({ connectionString: viaProxy(p), max: 2 });
        pool.on('error', () => {});
        disposers.push(() => pool.end());
        const s = store({ pool, tableName, timeoutMs, createTable: false });
        p.stall();
        const late = await timed(s.set(token('late', 'never')));
        expect(late.error).toBeInstanceOf(PostgresTimeoutError);
        p.pass();
        await s.set(token('u1', 'v1'));
        expect((await s.get('u1'))?.sealed).toBe('v1');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { rows } = await direct.query(`SELECT user_id FROM "${tableName}" ORDER BY user_id`);
        expect(rows.map((r) => r.user_id)).toEqual(['u1']);
      });
    });

    describe.skipIf(DIST_MISSING !== undefined && !isCI())(`a restarted server${DIST_MISSING ? ` (skipped: ${DIST_MISSING})` : ''}`, () => {
      it('control: a bare pg.Pool with idle connections, no error listener, crashes the process when they break', async () => {
        const p = await proxy();
        const child = startChild(
          `import pg from 'pg';
           const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
           await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 1')]);
           process.stdout.write('READY\\n');
           setInterval(() => {}, 1000);`,
          { DATABASE_URL: viaProxy(p) },
        );
        await child.line(/^READY$/);
        p.cut();
        const exit = await child.exited;
        expect(exit.code).toBe(1);
        expect(child.output().stderr).toMatch(/Connection terminated unexpectedly/);
      });

      it("the README's pool pattern survives connections cut under idle clients: onError reports, the process lives, the store works", async () => {
        const p = await proxy();
        const { env } = await schema();
        const child = startChild(readmeBlock('<!-- test: the pool pattern -->') + HARNESS, { ...env, DATABASE_URL: viaProxy(p) });
        await child.line(/^READY$/);
        p.cut();
        await child.line(/^threads-auth store: Connection terminated unexpectedly$/, { stream: 'stderr' });
        child.send('CHECK');
        expect(await child.line(/^(GOT|FAILED) /)).toBe('GOT sealed-u1');
        child.send('END');
        await child.line(/^BYE$/);
        expect(await child.exited).toEqual({ code: 0, signal: null });
      });

      it("the README's pool pattern through a restart: calls fail fast while PostgreSQL is down, and work once it is back", async () => {
        const p = await proxy();
        const { env } = await schema();
        const child = startChild(readmeBlock('<!-- test: the pool pattern -->') + HARNESS, { ...env, DATABASE_URL: viaProxy(p) });
        await child.line(/^READY$/);
        p.refuse();
        await child.line(/^threads-auth store: /, { stream: 'stderr' });
        child.send('CHECK');
        expect(await child.line(/^(GOT|FAILED) /)).toMatch(/^FAILED (Connection terminated unexpectedly|.*ECONNRESET|.*timeoutMs)/);
        p.pass();
        child.send('CHECK');
        await child.line(/^GOT sealed-u1$/);
        child.send('END');
        await child.line(/^BYE$/);
        expect(await child.exited).toEqual({ code: 0, signal: null });
      });

      it("the store's own pool (connectionString) survives the same cut", async () => {
        const p = await proxy();
        const { env } = await schema();
        const child = startChild(
          `import { PostgresTokenStore } from '@threads-auth/postgres';
           const store = new PostgresTokenStore({
             connectionString: process.env.DATABASE_URL,
             onError: (error) => console.warn('threads-auth store: ' + error.message),
           });
           ${HARNESS}`,
          { ...env, DATABASE_URL: viaProxy(p) },
        );
        await child.line(/^READY$/);
        p.cut();
        await child.line(/^threads-auth store: Connection terminated unexpectedly$/, { stream: 'stderr' });
        child.send('CHECK');
        await child.line(/^GOT sealed-u1$/);
        child.send('END');
        await child.line(/^BYE$/);
        expect(await child.exited).toEqual({ code: 0, signal: null });
      });
    });

    describe.skipIf(DIST_MISSING !== undefined && !isCI())(`a lock holder killed with SIGKILL${DIST_MISSING ? ` (skipped: ${DIST_MISSING})` : ''}`, () => {
      it('keeps the lock until its ttl expires, then exactly one other client gets it, never two while held', async () => {
        const tableName = table();
        const ttlMs = 1500;
        const key = 'refresh:17841405793187219';
        const s = store({ connectionString: DATABASE_URL, tableName });
        await s.get('create-tables');

        const spawnedAt = performance.now();
        const holder = startChild(
          `import { PostgresTokenStore } from '@threads-auth/postgres';
           const store = new PostgresTokenStore({ connectionString: process.env.DATABASE_URL, tableName: process.env.TABLE });
           const release = await store.acquireLock(process.env.KEY, Number(process.env.TTL));
           process.stdout.write((release ? 'HELD' : 'NOT HELD') + '\\n');
           setInterval(() => {}, 1000);`,
          { DATABASE_URL, TABLE: tableName, KEY: key, TTL: String(ttlMs) },
        );
        await holder.line(/^HELD$/);
        holder.process.kill('SIGKILL');
        expect(await holder.exited).toEqual({ code: null, signal: 'SIGKILL' });

        // The dead holder's lock stands: rounds of concurrent attempts all fail until the ttl runs out, and the
        // round that gets it has exactly one winner.
        let winner: (() => Promise<void>) | undefined;
        let rounds = 0;
        while (winner === undefined) {
          rounds++;
          const attempts = await Promise.all(Array.from({ length: 10 }, () => s.acquireLock(key, 10_000)));
          const won = attempts.filter((a) => a !== null);
          expect(won.length).toBeLessThanOrEqual(1);
          winner = won[0] ?? undefined;
          if (winner === undefined) {
            expect(performance.now() - spawnedAt).toBeLessThan(ttlMs + 5000);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        const grantedAfter = performance.now() - spawnedAt;
        expect(grantedAfter).toBeGreaterThanOrEqual(ttlMs);
        expect(rounds).toBeGreaterThan(1);

        // Held by the winner now: no other client, or process, gets it.
        const other = store({ connectionString: DATABASE_URL, tableName });
        const again = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? s : other).acquireLock(key, 10_000)));
        expect(again.every((a) => a === null)).toBe(true);
        await winner();
        expect(await other.acquireLock(key, 10_000)).not.toBeNull();
      });
    });
  });
}
