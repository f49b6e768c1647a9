import { readFileSync } from 'node:fs';
import type { StoredToken } from '@threads-auth/core';
import { describeUnavailable } from '@threads-auth/contract-tests/store';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TABLE_NAME, PostgresTokenStore, migrate, migration } from '../src/index.js';
import { DATABASE_URL, dropTables, openPool, probePostgres, uniqueTableName } from './postgres-server.js';

const DAY = 86_400_000;
const unavailable = await probePostgres();

function token(userId: string, sealed: string, overrides: Partial<StoredToken> = {}): StoredToken {
  const now = Date.now();
  return { userId, sealed, issuedAt: now - DAY, expiresAt: now + 30 * DAY, ...overrides };
}

describe('PostgresTokenStore options (no server needed)', () => {
  // A pg Pool connects on first use only: none of these tests uses it.
  const pool = new pg.Pool({ connectionString: DATABASE_URL });

  it('rejects a tableName that is not a plain identifier, naming the option', () => {
    for (const tableName of ['tokens; DROP TABLE users', 'has space', '1starts_with_digit', 'quo"te', '', 'x'.repeat(44)]) {
      expect(() => new PostgresTokenStore({ pool, tableName })).toThrow(TypeError);
      expect(() => new PostgresTokenStore({ pool, tableName })).toThrow(/option "tableName"/);
    }
  });

  it('rejects a schema that is not a plain identifier, naming the option', () => {
    expect(() => new PostgresTokenStore({ pool, schema: 'public.evil' })).toThrow(/option "schema"/);
  });

  it('requires exactly one of pool and connectionString', () => {
    expect(() => new PostgresTokenStore({} as never)).toThrow(/option "pool" or "connectionString" is required/);
    expect(() => new PostgresTokenStore({ pool, connectionString: DATABASE_URL } as never)).toThrow(TypeError);
  });

  it('validates names in migration() too, and quotes every identifier', () => {
    expect(() => migration('bad-name')).toThrow(/option "tableName"/);
    expect(() => migration('ok', 'bad schema')).toThrow(/option "schema"/);
    const sql = migration('MyTokens', 'auth');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."MyTokens" (');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."MyTokens_locks" (');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."MyTokens_once" (');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."MyTokens_sessions" (');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "MyTokens_due_idx" ON "auth"."MyTokens" (expires_at, user_id COLLATE "C");');
    expect(sql).toContain('DROP INDEX IF EXISTS "auth"."MyTokens_expires_at_idx";');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "MyTokens_sessions_user_idx" ON "auth"."MyTokens_sessions" (user_id);');
    expect(migration()).toContain(`"${DEFAULT_TABLE_NAME}"`);
  });

  it('rejects a timeoutMs that is not a positive number of milliseconds, naming the option', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5000']) {
      expect(() => new PostgresTokenStore({ pool, timeoutMs: timeoutMs as number })).toThrow(/option "timeoutMs" must be a positive number of milliseconds/);
    }
    expect(() => new PostgresTokenStore({ connectionString: DATABASE_URL, timeoutMs: 0 })).toThrow(TypeError);
    await expect(migrate(pool, { timeoutMs: -1 })).rejects.toThrow(/option "timeoutMs"/);
    expect(new PostgresTokenStore({ pool, timeoutMs: 1 })).toBeInstanceOf(PostgresTokenStore);
  });

  it('rejects an onError that is not a function, and a pool that is not a pg Pool, naming the option', () => {
    expect(() => new PostgresTokenStore({ pool, onError: 'log' as never })).toThrow(/option "onError" must be a function/);
    expect(() => new PostgresTokenStore({ pool: {} as pg.Pool })).toThrow(/option "pool" must be a pg Pool/);
    expect(() => new PostgresTokenStore({ pool: 'postgres://x' as never })).toThrow(/option "pool" must be a pg Pool/);
  });

  it("listens for 'error' on a pool it is given, reports to onError, and stops listening on close()", async () => {
    const given = new pg.Pool({ connectionString: DATABASE_URL });
    const reported: Error[] = [];
    const before = given.listenerCount('error');
    const s = new PostgresTokenStore({ pool: given, onError: (error) => reported.push(error) });
    expect(given.listenerCount('error')).toBe(before + 1);
    const broken = new Error('Connection terminated unexpectedly');
    // What pg-pool does when an idle client breaks; without a listener this emit would throw.
    given.emit('error', broken);
    expect(reported).toEqual([broken]);
    const throwing = new PostgresTokenStore({
      pool: given,
      onError: () => {
        throw new Error('a bug in onError');
      },
    });
    expect(() => given.emit('error', broken)).not.toThrow();
    await s.close();
    await throwing.close();
    expect(given.listenerCount('error')).toBe(before);
    await given.end();
  });

  it('the README shows migration() exactly, comments aside', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const sql = /## Tables[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)?.[1];
    const withoutComments = sql?.replace(/ *--[^\n]*/g, '');
    expect(withoutComments).toBe(migration());
  });

  it('rejects a preparedStatements that is not a boolean, naming the option', () => {
    expect(() => new PostgresTokenStore({ pool, preparedStatements: 'no' as never })).toThrow(/option "preparedStatements" must be true or false/);
  });

  it('rejects a ttl that is not a positive number before touching the database', async () => {
    const store = new PostgresTokenStore({ pool, createTable: false });
    await expect(store.acquireLock('k', 0)).rejects.toThrow(/option "ttlMs"/);
    await expect(store.consumeOnce('k', -5)).rejects.toThrow(TypeError);
  });
});

if (unavailable !== undefined) {
  describeUnavailable('PostgresTokenStore (PostgreSQL-specific)', unavailable);
} else {
  describe('PostgresTokenStore (PostgreSQL-specific)', () => {
    const disposers: Array<() => Promise<void>> = [];

    afterEach(async () => {
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    function pool(): pg.Pool {
      const p = openPool();
      disposers.push(() => p.end());
      return p;
    }

    /** A fresh table name, its tables dropped after the test. */
    function table(schema?: string): string {
      const tableName = uniqueTableName();
      disposers.push(async () => {
        const cleaner = openPool();
        await dropTables(cleaner, tableName, schema);
        await cleaner.end();
      });
      return tableName;
    }

    function store(options: ConstructorParameters<typeof PostgresTokenStore>[0]): PostgresTokenStore {
      const s = new PostgresTokenStore(options);
      disposers.push(() => s.close());
      return s;
    }

    async function columns(p: pg.Pool, tableName: string, schema = 'public'): Promise<Record<string, string>> {
      const { rows } = await p.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, tableName],
      );
      return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
    }

    it('creates its tables on first use, once, when many calls of two instances arrive together', async () => {
      const tableName = table();
      const p1 = pool();
      const p2 = pool();
      const a = store({ pool: p1, tableName });
      const b = store({ pool: p2, tableName });
      const connect = vi.spyOn(p1, 'connect');
      const results = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => a.set(token(`a${i}`, 'x'))),
        ...Array.from({ length: 10 }, (_, i) => b.set(token(`b${i}`, 'y'))),
        a.acquireLock('refresh:x', 5_000),
        b.consumeOnce('state:x', 5_000),
      ]);
      expect(results).toHaveLength(22);
      // Twelve concurrent first calls on one instance share a single migration, the only caller that checks
      // out a client itself (pool.query passes a callback).
      expect(connect.mock.calls.filter((args: unknown[]) => args.length === 0)).toHaveLength(1);
      expect((await a.listDue({ issuedBefore: Date.now(), expiresBefore: Date.now() + 60 * DAY, expiresAfter: 0, limit: 100 })).length).toBe(20);
      expect(await columns(p1, tableName)).toEqual({
        user_id: 'text',
        sealed: 'text',
        issued_at: 'bigint',
        expires_at: 'bigint',
        updated_at: 'timestamp with time zone',
      });
      const { rows } = await p1.query('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [tableName]);
      expect(rows.map((r) => r.indexname)).toEqual([`${tableName}_due_idx`, `${tableName}_pkey`]);
    });

    it('with createTable: false, expects the tables to exist and works once migrate() ran', async () => {
      const tableName = table();
      const p = pool();
      const s = store({ pool: p, tableName, createTable: false });
      await expect(s.get('u1')).rejects.toThrow(/does not exist/);
      await migrate(p, { tableName });
      await s.set(token('u1', 'v1'));
      expect((await s.get('u1'))?.sealed).toBe('v1');
    });

    it('migration() is SQL an app can run itself, more than once', async () => {
      const tableName = table();
      const p = pool();
      await p.query(migration(tableName));
      await p.query(migration(tableName));
      const s = store({ pool: p, tableName, createTable: false });
      await s.set(token('u1', 'v1'));
      expect(await s.consumeOnce('state:1', 5_000)).toBe(true);
      expect(await s.acquireLock('refresh:1', 5_000)).not.toBeNull();
      expect(Object.keys(await columns(p, `${tableName}_locks`)).sort()).toEqual(['expires_at', 'holder', 'lock_key']);
      expect(Object.keys(await columns(p, `${tableName}_once`)).sort()).toEqual(['expires_at', 'used_key']);
    });

    it('migrate() is safe when several processes run it at once', async () => {
      const tableName = table();
      await Promise.all(Array.from({ length: 5 }, () => migrate(pool(), { tableName })));
      expect(Object.keys(await columns(pool(), tableName))).toHaveLength(5);
    });

    it('keeps tokens across restarts: a new store instance on the same database sees them', async () => {
      const tableName = table();
      const record = token('17841405793187219', 'sealed-v1');
      const first = new PostgresTokenStore({ connectionString: DATABASE_URL, tableName });
      await first.set(record);
      const release = await first.acquireLock('refresh:17841405793187219', 10_000);
      await first.close();

      const second = store({ connectionString: DATABASE_URL, tableName });
      expect(await second.get('17841405793187219')).toEqual(record);
      expect(await second.acquireLock('refresh:17841405793187219', 10_000)).toBeNull();
      expect(release).not.toBeNull();
    });

    it('puts its tables in the given schema, and supports mixed-case names', async () => {
      const schema = `threads_auth_test_schema_${globalThis.crypto.randomUUID().slice(0, 8)}`;
      const p = pool();
      await p.query(`CREATE SCHEMA "${schema}"`);
      disposers.push(async () => {
        const cleaner = openPool();
        await cleaner.query(`DROP SCHEMA "${schema}" CASCADE`);
        await cleaner.end();
      });
      const tableName = `Mixed_${uniqueTableName()}`;
      const s = store({ pool: p, tableName, schema });
      await s.set(token('u1', 'v1'));
      expect((await s.get('u1'))?.sealed).toBe('v1');
      expect(Object.keys(await columns(p, tableName, schema))).toContain('sealed');
      const { rows } = await p.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = $1', [tableName]);
      expect(rows[0].n).toBe(1);
    });

    it('refreshes updated_at on every upsert', async () => {
      const tableName = table();
      const p = pool();
      const s = store({ pool: p, tableName });
      await s.set(token('u1', 'v1'));
      const before = (await p.query(`SELECT updated_at FROM "${tableName}" WHERE user_id = 'u1'`)).rows[0].updated_at as Date;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await s.set(token('u1', 'v2'));
      const after = (await p.query(`SELECT updated_at FROM "${tableName}" WHERE user_id = 'u1'`)).rows[0].updated_at as Date;
      expect(after.getTime()).toBeGreaterThan(before.getTime());
    });

    it('deletes expired locks, one-time keys and tokens opportunistically', async () => {
      const tableName = table();
      const p = pool();
      await migrate(p, { tableName });
      await p.query(`INSERT INTO "${tableName}_locks" VALUES ('old-lock', 'h', now() - interval '1 minute')`);
      await p.query(`INSERT INTO "${tableName}_once" VALUES ('old-key', now() - interval '1 minute')`);
      await p.query(`INSERT INTO "${tableName}" (user_id, sealed, issued_at, expires_at) VALUES ('old-user', 's', 1, 2)`);
      const s = store({ pool: p, tableName, createTable: false });
      expect(await s.consumeOnce('fresh-key', 60_000)).toBe(true);
      await vi.waitFor(async () => {
        const { rows } = await p.query(
          `SELECT (SELECT count(*) FROM "${tableName}_locks")::int AS locks,
                  (SELECT count(*) FROM "${tableName}_once")::int AS once,
                  (SELECT count(*) FROM "${tableName}")::int AS tokens`,
        );
        expect(rows[0]).toEqual({ locks: 0, once: 1, tokens: 0 });
      });
    });

    it('a used one-time key can be used again once its ttl has passed', async () => {
      const s = store({ pool: pool(), tableName: table() });
      expect(await s.consumeOnce('state:ttl', 400)).toBe(true);
      expect(await s.consumeOnce('state:ttl', 400)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await s.consumeOnce('state:ttl', 400)).toBe(true);
    });

    it('close() ends the pool it opened from connectionString, and leaves a pool passed in open', async () => {
      const tableName = table();
      const owned = new PostgresTokenStore({ connectionString: DATABASE_URL, tableName });
      await owned.set(token('u1', 'v1'));
      await owned.close();
      await owned.close();
      await expect(owned.get('u1')).rejects.toThrow(/pool after calling end/);

      const p = pool();
      const borrowed = new PostgresTokenStore({ pool: p, tableName });
      expect((await borrowed.get('u1'))?.sealed).toBe('v1');
      await borrowed.close();
      expect((await p.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    });

    it('keeps sessions in <table>_sessions, indexed on user_id and expires_at', async () => {
      const tableName = table();
      const p = pool();
      const s = store({ pool: p, tableName });
      await s.setSession({ id: 'sess-a', userId: '17841405793187219', expiresAt: Date.now() + DAY });
      expect(await columns(p, `${tableName}_sessions`)).toEqual({ id: 'text', user_id: 'text', expires_at: 'bigint' });
      const { rows } = await p.query('SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [`${tableName}_sessions`]);
      expect(rows.map((r) => r.indexname)).toEqual([`${tableName}_sessions_exp_idx`, `${tableName}_sessions_pkey`, `${tableName}_sessions_user_idx`]);
      expect(rows[2].indexdef).toMatch(/\(user_id\)$/);
      const stored = await p.query(`SELECT id, user_id, expires_at FROM "${tableName}_sessions"`);
      expect(stored.rows).toEqual([{ id: 'sess-a', user_id: '17841405793187219', expires_at: expect.any(String) }]);
    });

    it("judges session expiry by the store's now(), as it judges tokens", async () => {
      const tableName = table();
      let clock = Date.now();
      const s = store({ pool: pool(), tableName, now: () => clock });
      await s.setSession({ id: 'sess-clock', userId: 'u1', expiresAt: clock + 60_000 });
      await s.set(token('u1', 'v1', { expiresAt: clock + 60_000 }));
      expect((await s.getSession('sess-clock'))?.userId).toBe('u1');
      clock += 60_000;
      expect(await s.getSession('sess-clock')).toBeNull();
      expect(await s.get('u1')).toBeNull();
      clock -= 1;
      expect(await s.getSession('sess-clock')).toEqual({ id: 'sess-clock', userId: 'u1', expiresAt: clock + 1 });
    });

    it('purges expired sessions in the background, keeping live ones', async () => {
      const tableName = table();
      const p = pool();
      await migrate(p, { tableName });
      await p.query(`INSERT INTO "${tableName}_sessions" VALUES ('old', 'u1', 1), ('live', 'u1', $1)`, [Date.now() + DAY]);
      const s = store({ pool: p, tableName, createTable: false });
      await s.setSession({ id: 'new', userId: 'u2', expiresAt: Date.now() + DAY });
      await vi.waitFor(async () => {
        const { rows } = await p.query(`SELECT id FROM "${tableName}_sessions" ORDER BY id`);
        expect(rows.map((r) => r.id)).toEqual(['live', 'new']);
      });
    });

    it('lists due tokens in byte order of user_id, cursor included, whatever the column collation', async () => {
      const tableName = table();
      const p = pool();
      await migrate(p, { tableName });
      // A natural-language collation orders _ a A b B; byte order is A B _ a b, the order threads-auth compares in.
      await p.query(`ALTER TABLE "${tableName}" ALTER COLUMN user_id TYPE text COLLATE "und-x-icu"`);
      const s = store({ pool: p, tableName, createTable: false });
      const t = Date.now();
      const ids = ['b', '_', 'A', 'a', 'B'];
      for (const id of ids) await s.set(token(id, `s-${id}`, { expiresAt: t + DAY }));
      const query = { issuedBefore: t, expiresBefore: t + 2 * DAY, expiresAfter: t, limit: 10 };
      const bytes = [...ids].sort();
      expect(bytes).toEqual(['A', 'B', '_', 'a', 'b']);
      expect((await s.listDue(query)).map((r) => r.userId)).toEqual(bytes);
      expect((await s.listDue({ ...query, after: { expiresAt: t + DAY, userId: 'B' } })).map((r) => r.userId)).toEqual(['_', 'a', 'b']);
      const icu = await p.query(`SELECT user_id FROM "${tableName}" ORDER BY user_id`);
      expect(icu.rows.map((r) => r.user_id)).not.toEqual(bytes);
    });

    it('answers listDue from the due index, first page and cursor page alike, with no sort', async () => {
      const tableName = table();
      const p = pool();
      const s = store({ pool: p, tableName });
      await s.get('create-tables');
      const t = Date.now();
      await p.query(
        `INSERT INTO "${tableName}" (user_id, sealed, issued_at, expires_at)
         SELECT (17841400000000000 + g)::text, 'sealed', $1::bigint - 2 * 86400000, $1::bigint + (g % 5000) * 60000
         FROM generate_series(1, 20000) AS g`,
        [t],
      );
      await p.query(`ANALYZE "${tableName}"`);
      // The exact statements the store sends (vi.spyOn calls through), explained with their own values.
      const seen: pg.QueryConfig[] = [];
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      const due = { issuedBefore: t, expiresBefore: t + 30 * DAY, expiresAfter: t, limit: 100 };
      const first = await s.listDue(due);
      const last = first[first.length - 1]!;
      const next = await s.listDue({ ...due, after: { expiresAt: last.expiresAt, userId: last.userId } });
      expect(next[0]!.expiresAt).toBeGreaterThanOrEqual(last.expiresAt);
      for (const call of spy.mock.calls) {
        const config = call[0] as unknown;
        if (typeof config === 'object' && config !== null && /ORDER BY expires_at/.test((config as pg.QueryConfig).text)) seen.push(config as pg.QueryConfig);
      }
      spy.mockRestore();
      expect(seen).toHaveLength(2);
      for (const { text, values } of seen) {
        const { rows } = await p.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
        const plan = JSON.stringify(rows[0]['QUERY PLAN']);
        expect(plan).toContain(`"Index Name":"${tableName}_due_idx"`);
        expect(plan).not.toMatch(/"Node Type":"(Incremental )?Sort"/);
      }
    });

    it('upgrades a database made by the previous migration: adds sessions and the due index, drops the old index', async () => {
      const tableName = table();
      const p = pool();
      await p.query(`CREATE TABLE "${tableName}" (user_id text PRIMARY KEY, sealed text NOT NULL, issued_at bigint NOT NULL,
                       expires_at bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
                     CREATE INDEX "${tableName}_expires_at_idx" ON "${tableName}" (expires_at);
                     CREATE TABLE "${tableName}_locks" (lock_key text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL);
                     CREATE TABLE "${tableName}_once" (used_key text PRIMARY KEY, expires_at timestamptz NOT NULL);
                     CREATE INDEX "${tableName}_once_expires_at_idx" ON "${tableName}_once" (expires_at);
                     INSERT INTO "${tableName}" (user_id, sealed, issued_at, expires_at) VALUES ('kept', 'v0', 1, ${Date.now() + DAY});`);
      const s = store({ pool: p, tableName });
      expect((await s.get('kept'))?.sealed).toBe('v0');
      await s.setSession({ id: 'sess-up', userId: 'kept', expiresAt: Date.now() + DAY });
      expect((await s.getSession('sess-up'))?.userId).toBe('kept');
      const { rows } = await p.query('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [tableName]);
      expect(rows.map((r) => r.indexname)).toEqual([`${tableName}_due_idx`, `${tableName}_pkey`]);
    });

    /** A pool of one connection, so that `pg_prepared_statements` shows what every call prepared on it. */
    function oneConnection(): pg.Pool {
      const p = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      disposers.push(() => p.end());
      return p;
    }

    /** The prepared statements of the one connection of `p` (made by {@link oneConnection}). */
    async function prepared(p: pg.Pool): Promise<Array<{ name: string; statement: string }>> {
      const { rows } = await p.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');
      return rows;
    }

    it('sends its statements as named prepared statements, one name per statement text, unless told not to', async () => {
      const p = oneConnection();
      const [first, second] = [table(), table()];
      // Two stores on one pool, on two tables: pg refuses one name for two texts, so the names must differ.
      const stores = [store({ pool: p, tableName: first }), store({ pool: p, tableName: second })];
      const round = async (s: PostgresTokenStore, sealed: string) => {
        await s.set(token('u1', sealed));
        expect((await s.get('u1'))?.sealed).toBe(sealed);
        const release = await s.acquireLock('refresh:u1', 10_000);
        await release?.();
      };
      for (const s of stores) await round(s, 'sealed-1');
      const named = await prepared(p);
      expect(named.length).toBeGreaterThanOrEqual(8);
      expect(named.every(({ name }) => /^threads_auth_[0-9a-f]{32}$/.test(name))).toBe(true);
      for (const tableName of [first, second]) {
        const own = named.filter(({ statement }) => statement.includes(`"${tableName}`)).map(({ statement }) => statement);
        expect(own.some((sql) => sql.startsWith('SELECT user_id, sealed'))).toBe(true);
        expect(own.some((sql) => sql.startsWith(`INSERT INTO "${tableName}_locks"`))).toBe(true);
      }
      // Parsed once per connection: running the same calls again prepares nothing new.
      for (const s of stores) await round(s, 'sealed-2');
      expect(await prepared(p)).toEqual(named);

      const unnamedPool = oneConnection();
      const unnamed = store({ pool: unnamedPool, tableName: table(), preparedStatements: false });
      await unnamed.set(token('u1', 'sealed-1'));
      expect((await unnamed.get('u1'))?.sealed).toBe('sealed-1');
      expect(await prepared(unnamedPool)).toEqual([]);
    });

    it('keeps working when its tables are dropped and made again under its prepared statements', async () => {
      const p = oneConnection();
      const tableName = table();
      const s = store({ pool: p, tableName });
      await s.set(token('u1', 'sealed-1'));
      expect((await s.get('u1'))?.sealed).toBe('sealed-1');
      await dropTables(p, tableName);
      await migrate(p, { tableName });
      expect(await s.get('u1')).toBeNull();
      await s.set(token('u1', 'sealed-2'));
      expect((await s.get('u1'))?.sealed).toBe('sealed-2');
    });

    it('retries table creation after a failed first use', async () => {
      const tableName = table();
      const p = pool();
      const s = store({ pool: p, tableName, schema: 'threads_auth_test_missing_schema' });
      await expect(s.get('u1')).rejects.toThrow(/schema "threads_auth_test_missing_schema" does not exist/);
      const connect = vi.spyOn(p, 'connect');
      await expect(s.get('u1')).rejects.toThrow(/does not exist/);
      expect(connect.mock.calls.filter((args: unknown[]) => args.length === 0)).toHaveLength(1);
    });
  });
}
