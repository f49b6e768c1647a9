/**
 * The upkeep: cursor paging past tokens that keep failing, the concurrency bound, per-token retries, the
 * rate-limit pause, abort, counts instead of tokens, two workers on one store, the runner, the spread.
 * Built part by part (as auth.ts composes them) so that waiting is injected: `sleep` advances the clock.
 */
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import { createLifecycle } from '../src/lifecycle.js';
import { createPendingWrites } from '../src/pending-writes.js';
import { resolveOptions, type ThreadsAuthOptions } from '../src/options.js';
import { createSessionCodec } from '../src/session.js';
import { retryAfterMs } from '../src/threads-errors.js';
import { CLAIM_TTL_MS, createUpkeep, refreshOffset } from '../src/upkeep.js';
import type { UpkeepTimers } from '../src/upkeep-options.js';
import { MemoryTokenStore, ThreadsAuthError, ThreadsAuthOptionError, type TokenStore } from '../src/index.js';
import { json, recordingFetch, type RecordedCall } from './recording-fetch.js';
import { DAY, SESSION_SECRET, withoutPeeks } from './setup.js';

const T0 = Date.UTC(2026, 10, 1);
const ids = (n: number, from = 1000) => Array.from({ length: n }, (_, i) => String(from + i));
const tokenOf = (userId: string) => `THlonglived${userId}abcdef0123456789`;
const userOf = (call: RecordedCall) => call.url.searchParams.get('access_token')!.replace(/^TH(longlived|new)/, '').replace(/abcdef0123456789$/, '');

type Answer = (userId: string, call: RecordedCall) => Response | undefined | Promise<Response | undefined>;

/** Meta refreshing every token it is asked for, unless `answer` says otherwise. */
function meta(answer: Answer = () => undefined) {
  const fake = recordingFetch({
    '/refresh_access_token': (call) => {
      const userId = userOf(call);
      const ok = () => json({ access_token: `THnew${userId}abcdef0123456789`, token_type: 'bearer', expires_in: 5184000 });
      const answered = answer(userId, call);
      return answered instanceof Promise ? answered.then((r) => r ?? ok()) : (answered ?? ok());
    },
  });
  const refreshCalls = (userId?: string) => fake.callsTo('/refresh_access_token').filter((c) => userId === undefined || userOf(c) === userId);
  return { ...fake, refreshCalls };
}

/** One worker: an instance's parts on `store`, a shared clock, and a sleep that moves the clock instead of waiting. */
function worker(fake: ReturnType<typeof meta>, store: TokenStore, clock: { t: number }, extra: Partial<ThreadsAuthOptions> = {}) {
  const slept: number[] = [];
  const timers: UpkeepTimers = {
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      slept.push(ms);
      clock.t += ms;
    },
  };
  const ctx = createContext(
    resolveOptions({
      clientId: '1234567890',
      clientSecret: 'app-secret-value-0123',
      redirectUri: 'https://app.example/auth/threads/callback',
      secret: SESSION_SECRET,
      fetch: fake.fetch,
      now: () => clock.t,
      store,
      retry: { attempts: 1, delayMs: 0 },
      ...extra,
    }),
  );
  const pending = createPendingWrites(store, ctx.report);
  const sessions = createSessionCodec(ctx, pending);
  const lifecycle = createLifecycle(ctx, sessions, pending);
  return { ctx, sessions, lifecycle, upkeep: createUpkeep(ctx, sessions, lifecycle, timers), slept };
}

/** Stores `userIds` as tokens 58 days old, all past their refresh point, in listing order. */
async function seed(w: ReturnType<typeof worker>, store: TokenStore, userIds: readonly string[]) {
  for (const [i, userId] of userIds.entries()) {
    const record = { accessToken: tokenOf(userId), userId, scopes: ['threads_basic'], issuedAt: T0 - 58 * DAY, expiresAt: T0 + 2 * DAY + i };
    await store.set(w.sessions.toStored(record));
  }
}

function fleet(n: number, answer?: Answer, extra?: Partial<ThreadsAuthOptions>) {
  const clock = { t: T0 };
  const store = new MemoryTokenStore({ now: () => clock.t });
  const fake = meta(answer);
  const w = worker(fake, store, clock, extra);
  const users = ids(n);
  return { clock, store, fake, w, users, seeded: seed(w, store, users) };
}

const all = (store: TokenStore) => store.listDue({ issuedBefore: Number.MAX_SAFE_INTEGER, expiresBefore: Number.MAX_SAFE_INTEGER, expiresAfter: 0, limit: 100_000 });
const refreshedIn = async (store: TokenStore, at: number) => (await all(store)).filter((t) => t.issuedAt === at).map((t) => t.userId);
const metaError = (code: number, status = 400, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { message: 'no', type: 'OAuthException', code, fbtrace_id: 'Ab' } }), { status, headers: { 'content-type': 'application/json', ...headers } });
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('paging with the cursor', () => {
  it('refreshes every other token when the first pages all fail without being revoked (head-of-line)', async () => {
    // The first 10 tokens: Meta refuses them for good but not as dead tokens (a permission error, code 10).
    const f = fleet(25, (userId) => (Number(userId) < 1010 ? metaError(10, 500) : undefined));
    await f.seeded;
    // Three more ahead of them that this instance cannot unseal: sealed under a secret rotated away.
    const other = worker(f.fake, f.store, f.clock, { secret: 'another-secret-0123456789-abcdefghij' });
    for (const [i, userId] of ['1', '2', '3'].entries()) {
      await f.store.set(other.sessions.toStored({ accessToken: tokenOf(userId), userId, scopes: [], issuedAt: T0 - 58 * DAY, expiresAt: T0 + DAY + i }));
    }
    const report = await f.w.upkeep.run({ pageSize: 5, concurrency: 3 });
    expect(report).toMatchObject({ listed: 28, refreshed: 15, failed: 13, revoked: 0, skipped: 0, ended: 'done' });
    expect((await refreshedIn(f.store, T0)).sort()).toEqual(f.users.slice(10));
    expect(report.failures.map((x) => x.userId).sort()).toEqual(['1', '2', '3', ...f.users.slice(0, 10)].sort());
    expect(report.failures.find((x) => x.userId === '1000')!.error).toMatchObject({ code: 'permission_missing' });
    // A Meta refusal is final for this run: asked once, not retried; an unsealable record never reaches Meta.
    for (const userId of f.users.slice(0, 10)) expect(f.fake.refreshCalls(userId)).toHaveLength(1);
    expect(f.fake.refreshCalls('1')).toHaveLength(0);
    // Still stored (not revoked), still listed by the next run, and still not in the way.
    expect(await all(f.store)).toHaveLength(28);
    expect(await f.w.upkeep.run({ pageSize: 5 })).toMatchObject({ listed: 13, refreshed: 0, failed: 13 });
  });
  it('gets past failing tokens on a store that ignores the cursor', async () => {
    const f = fleet(12, (userId) => (Number(userId) < 1006 ? metaError(10, 500) : undefined));
    await f.seeded;
    const listings: number[] = [];
    const noCursor = withoutPeeks(f.store, {
      listDue: ({ after: _, ...query }) => {
        listings.push(query.limit);
        return f.store.listDue(query);
      },
    });
    const w = worker(f.fake, noCursor, f.clock);
    expect(await w.upkeep.run({ pageSize: 3, concurrency: 1 })).toMatchObject({ refreshed: 6, failed: 6, ended: 'done' });
    expect((await refreshedIn(f.store, T0)).sort()).toEqual(f.users.slice(6));
    expect(Math.max(...listings)).toBeGreaterThan(3);
  });
  it('reports counts and a bounded list of failures, never the tokens', async () => {
    const f = fleet(30, (userId) => (Number(userId) % 3 === 0 ? metaError(10, 500) : undefined));
    await f.seeded;
    const report = await f.w.upkeep.run({ maxFailures: 4, pageSize: 7 });
    expect(report).toMatchObject({ refreshed: 20, failed: 10 });
    expect(report.failures).toHaveLength(4);
    expect(JSON.stringify(report)).not.toMatch(/THnew|THlonglived/);
  });
  it('tells progress after each page', async () => {
    const f = fleet(10);
    await f.seeded;
    const seen: number[] = [];
    await f.w.upkeep.run({ pageSize: 4, concurrency: 1, onProgress: (p) => seen.push(p.listed) });
    expect(seen).toEqual([4, 8, 10, 10]);
  });
});

describe('concurrency', () => {
  it.each([
    [4, 4],
    [undefined, 12],
  ])('keeps at most %s refreshes in flight (and uses them all)', async (concurrency, bound) => {
    let inFlight = 0;
    let peak = 0;
    const f = fleet(40, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await delay(3);
      inFlight--;
      return undefined;
    });
    await f.seeded;
    const report = await f.w.upkeep.run(concurrency === undefined ? {} : { concurrency });
    expect(report.refreshed).toBe(40);
    expect(peak).toBe(bound);
  });
});

describe('per-token retries', () => {
  it('retries a transient failure later with doubling backoff, without holding back the others', async () => {
    let failuresLeft = 2;
    const f = fleet(6, (userId) => (userId === '1000' && failuresLeft-- > 0 ? new Response('', { status: 503 }) : undefined));
    await f.seeded;
    const report = await f.w.upkeep.run({ concurrency: 1, retry: { delayMs: 1_000 } });
    expect(report).toMatchObject({ refreshed: 6, failed: 0, retries: 2 });
    const order = f.fake.refreshCalls().map(userOf);
    // 1000 fails, the five others go, then 1000 again after 1 s, and again 2 s later.
    expect(order).toEqual(['1000', '1001', '1002', '1003', '1004', '1005', '1000', '1000']);
    expect(f.w.slept).toEqual([1_000, 2_000]);
  });
  it('reports a token that keeps failing after its attempts', async () => {
    const f = fleet(3, (userId) => (userId === '1001' ? new Response('', { status: 503 }) : undefined));
    await f.seeded;
    const report = await f.w.upkeep.run({ retry: { attempts: 4, delayMs: 10 } });
    expect(report).toMatchObject({ refreshed: 2, failed: 1, retries: 3 });
    expect(report.failures).toEqual([expect.objectContaining({ userId: '1001', attempts: 4 })]);
    expect(report.failures[0]!.error).toMatchObject({ code: 'upstream_unavailable' });
    expect(f.fake.refreshCalls('1001')).toHaveLength(4);
  });
  it('revokes a token Meta says is dead, and goes on', async () => {
    const f = fleet(3, (userId) => (userId === '1000' ? metaError(190) : undefined));
    await f.seeded;
    expect(await f.w.upkeep.run()).toMatchObject({ refreshed: 2, revoked: 1, failed: 0 });
    expect(await f.store.get('1000')).toBeNull();
  });
});

describe('a store that fails the listing', () => {
  /** `f.store`, whose listDue fails (as a stalled store's bounded call does) on the calls `failing` picks. */
  function failingListings(f: ReturnType<typeof fleet>, failing: (call: number) => boolean, onFail: () => void = () => {}) {
    let calls = 0;
    return withoutPeeks(f.store, {
      listDue: (query) => {
        if (!failing(++calls)) return f.store.listDue(query);
        onFail();
        return Promise.reject(new ThreadsAuthError('store_unavailable', { message: 'token store: listDue() did not answer within 3000 ms (storeTimeoutMs)' }));
      },
    });
  }

  it('lists again after 1 s, 2 s, and refreshes every token in the same run', async () => {
    const f = fleet(12);
    await f.seeded;
    const reported: unknown[] = [];
    const w = worker(f.fake, failingListings(f, (call) => call === 2 || call === 3), f.clock, { onError: (error) => reported.push(error) });
    const report = await w.upkeep.run({ pageSize: 5, concurrency: 2 });
    expect(report).toMatchObject({ listed: 12, refreshed: 12, failed: 0, ended: 'done' });
    expect(w.slept).toEqual([1_000, 2_000]);
    expect(reported).toHaveLength(2);
    expect(f.fake.refreshCalls()).toHaveLength(12);
  });

  it('rejects once retry.attempts listings have failed, with the refreshes in flight finished and stored', async () => {
    const f = fleet(12);
    await f.seeded;
    const w = worker(f.fake, failingListings(f, (call) => call >= 2), f.clock);
    await expect(w.upkeep.run({ pageSize: 5, concurrency: 5, retry: { attempts: 3 } })).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(w.slept).toEqual([1_000, 2_000]);
    expect((await all(f.store)).filter((t) => t.issuedAt > T0 - 58 * DAY)).toHaveLength(5);
  });

  it('ends as aborted when stopped while a failed listing waits to be tried again', async () => {
    const f = fleet(3);
    await f.seeded;
    const controller = new AbortController();
    const w = worker(f.fake, failingListings(f, () => true, () => controller.abort()), f.clock);
    const report = await w.upkeep.run({ signal: controller.signal });
    expect(report).toMatchObject({ ended: 'aborted', refreshed: 0, listed: 0 });
  });
});

describe('rate limits', () => {
  it('pauses the whole run for as long as Retry-After says, then resumes where it was', async () => {
    let calls = 0;
    const f = fleet(12, () => (++calls === 5 ? metaError(4, 400, { 'retry-after': '120' }) : undefined));
    await f.seeded;
    const report = await f.w.upkeep.run({ concurrency: 1 });
    expect(report).toMatchObject({ refreshed: 12, failed: 0, pauses: 1, ended: 'done' });
    expect(f.w.slept).toEqual([120_000]);
    // The throttled token is asked again after the pause, once; no call is spent inside the pause.
    const order = f.fake.refreshCalls().map(userOf);
    expect(order).toHaveLength(13);
    expect(order[4]).toBe('1004');
    expect(order[5]).toBe('1004');
  });
  it('pauses once for every refresh in flight that hit the limit, and follows X-Business-Use-Case-Usage', async () => {
    let calls = 0;
    const usage = JSON.stringify({ '1234567890': [{ type: 'threads', call_count: 100, estimated_time_to_regain_access: 5 }] });
    const f = fleet(20, async () => {
      const n = ++calls;
      await delay(2);
      return n >= 5 && n <= 8 ? metaError(17, 400, { 'x-business-use-case-usage': usage }) : undefined;
    });
    await f.seeded;
    const report = await f.w.upkeep.run({ concurrency: 4 });
    expect(report).toMatchObject({ refreshed: 20, failed: 0 });
    expect(f.w.slept.every((ms) => ms === 300_000)).toBe(true);
    expect(f.w.slept.length).toBeGreaterThanOrEqual(1);
    expect(f.fake.refreshCalls()).toHaveLength(24);
  });
  it('backs off, doubling, when Meta does not say how long; and stops after maxPauses', async () => {
    const f = fleet(5, () => metaError(4));
    await f.seeded;
    const report = await f.w.upkeep.run({ concurrency: 1, rateLimit: { delayMs: 1_000, maxPauses: 3 } });
    expect(f.w.slept).toEqual([1_000, 2_000, 4_000]);
    expect(report).toMatchObject({ refreshed: 0, pauses: 3, ended: 'rate_limited' });
    expect(f.fake.refreshCalls()).toHaveLength(4);
  });
  it('is not retried inside one call (the pause is the retry)', async () => {
    const f = fleet(1, () => metaError(613));
    await f.seeded;
    await f.w.upkeep.run({ rateLimit: { maxPauses: 1 } });
    expect(f.fake.refreshCalls()).toHaveLength(2);
  });
  it.each<[string, Record<string, string>, number | undefined]>([
    ['Retry-After in seconds', { 'retry-after': '30' }, 30_000],
    ['Retry-After as an HTTP date', { 'retry-after': new Date(T0 + 90_000).toUTCString() }, 90_000],
    ['X-Business-Use-Case-Usage', { 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":2},{"estimated_time_to_regain_access":7}]}' }, 420_000],
    ['a huge Retry-After, clamped to an hour', { 'retry-after': '999999' }, 3_600_000],
    ['nothing', { 'x-app-usage': '{"call_count":100}' }, undefined],
    ['garbage', { 'x-business-use-case-usage': '{nope' }, undefined],
  ])('reads how long to wait from %s', (_, headers, ms) => {
    expect(retryAfterMs(new Headers(headers), T0)).toBe(ms);
  });
});

describe('abort', () => {
  it('starts nothing after the signal, finishes and persists what is in flight', async () => {
    const controller = new AbortController();
    let calls = 0;
    const f = fleet(30, async () => {
      if (++calls === 5) controller.abort();
      await delay(2);
      return undefined;
    });
    await f.seeded;
    const report = await f.w.upkeep.run({ concurrency: 3, signal: controller.signal });
    expect(report.ended).toBe('aborted');
    expect(f.fake.refreshCalls().length).toBeLessThanOrEqual(7);
    expect(report.refreshed).toBe(f.fake.refreshCalls().length);
    expect(await refreshedIn(f.store, T0)).toHaveLength(report.refreshed);
  });
  it('stops during a rate-limit pause', async () => {
    const controller = new AbortController();
    const f = fleet(5, () => metaError(4));
    await f.seeded;
    const report = await f.w.upkeep.run({
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pausedUntil !== undefined) controller.abort();
      },
    });
    expect(report).toMatchObject({ ended: 'aborted', pauses: 1 });
    expect(f.w.slept).toEqual([]);
    expect(f.fake.refreshCalls()).toHaveLength(1);
  });
});

describe('several workers on one store', () => {
  /** Three workers on one store (seen through `view`), 60 due tokens, one run each at the same time. */
  async function threeWorkers(view: (store: MemoryTokenStore) => TokenStore = (store) => store) {
    const clock = { t: T0 };
    const store = new MemoryTokenStore({ now: () => clock.t });
    const shared = view(store);
    const fake = meta(async () => {
      await delay(1);
      return undefined;
    });
    const workers = [worker(fake, shared, clock), worker(fake, shared, clock), worker(fake, shared, clock)];
    const users = ids(60);
    await seed(workers[0]!, store, users);
    const reports = await Promise.all(workers.map((w) => w.upkeep.run({ concurrency: 4, pageSize: 10 })));
    for (const userId of users) expect(fake.refreshCalls(userId)).toHaveLength(1);
    expect(reports.reduce((n, r) => n + r.refreshed, 0)).toBe(60);
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(0);
    return reports;
  }
  it('refreshes each token exactly once, and counts what another worker holds as skipped', async () => {
    const reports = await threeWorkers();
    // The store's claims split the fleet: each token listed by one worker, none walked by all three.
    expect(reports.reduce((n, r) => n + r.listed, 0)).toBe(60);
    expect(reports.reduce((n, r) => n + r.skipped, 0)).toBe(0);
    expect(reports.filter((r) => r.refreshed > 0).length).toBeGreaterThan(1);
  });
  it('on a store that ignores claims, every worker walks every token and still refreshes each once', async () => {
    // No releaseClaims either, and a listDue that drops the claim: a store that knows nothing of claims.
    const reports = await threeWorkers((store) => withoutPeeks(store, { listDue: ({ claim: _, ...query }) => store.listDue(query) }));
    for (const r of reports) expect(r.refreshed + r.skipped + r.notDue).toBe(r.listed);
  });
  it('a run opens what it listed to every worker when it ends; a worker killed mid-run holds its page until the claim ends', async () => {
    const f = fleet(6, (userId) => (Number(userId) < 1003 ? metaError(10, 500) : undefined));
    await f.seeded;
    expect(await f.w.upkeep.run({ pageSize: 2 })).toMatchObject({ listed: 6, refreshed: 3, failed: 3 });
    const other = worker(f.fake, f.store, f.clock);
    expect(await other.upkeep.run({ pageSize: 2 })).toMatchObject({ listed: 3, failed: 3 });
    // A worker that listed a page and died: its claims were never released.
    const due = { issuedBefore: f.clock.t, expiresBefore: f.clock.t + 30 * DAY, expiresAfter: f.clock.t, limit: 2 };
    expect(await f.store.listDue({ ...due, claim: { ttlMs: CLAIM_TTL_MS, owner: 'killed' } })).toHaveLength(2);
    expect(await other.upkeep.run({ pageSize: 2 })).toMatchObject({ listed: 1, failed: 1 });
    f.clock.t += CLAIM_TTL_MS;
    expect(await other.upkeep.run({ pageSize: 2 })).toMatchObject({ listed: 3, failed: 3 });
  });
});

describe('startUpkeep', () => {
  it('runs now, then every `every` ms after each run ends, until stopped', async () => {
    const f = fleet(3);
    await f.seeded;
    const reports: number[] = [];
    const waits: number[] = [];
    let wake: (() => void) | undefined;
    const timers: UpkeepTimers = {
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          waits.push(ms);
          wake = resolve;
          signal?.addEventListener('abort', () => resolve(), { once: true });
        }),
    };
    const upkeep = createUpkeep(f.w.ctx, f.w.sessions, f.w.lifecycle, timers);
    const runner = upkeep.start({ every: 60_000, onReport: (r) => reports.push(r.refreshed) });
    await expect.poll(() => reports).toEqual([3]);
    expect(runner.lastReport?.refreshed).toBe(3);
    expect(waits).toEqual([60_000]);
    f.clock.t += 58 * DAY;
    wake!();
    await expect.poll(() => reports).toEqual([3, 3]);
    await runner.stop();
    expect(f.fake.refreshCalls()).toHaveLength(6);
  });
  it('refuses a missing or bad every, and bad run options, naming them', () => {
    const f = fleet(0);
    expect(() => f.w.upkeep.start({} as never)).toThrow(/option "every" is required/);
    expect(() => f.w.upkeep.start({ every: 10 })).toThrow(/option "every" must be an integer from 1000/);
    expect(() => f.w.upkeep.start({ every: 60_000, concurrency: 0 })).toThrow(ThreadsAuthOptionError);
  });
  it('refuses run options out of range, naming them', async () => {
    const f = fleet(0);
    await expect(f.w.upkeep.run({ concurrency: 1.5 })).rejects.toThrow(/option "concurrency" must be an integer from 1 to 256/);
    await expect(f.w.upkeep.run({ pageSize: 0 })).rejects.toThrow(/option "pageSize"/);
    await expect(f.w.upkeep.run({ retry: { attempts: 0 } })).rejects.toThrow(/option "retry.attempts"/);
  });
});

describe('the spread of refresh points', () => {
  const week = 7 * DAY;
  const fleetIds = Array.from({ length: 4000 }, (_, i) => `178414057${String(i * 7919).padStart(8, '0')}`);
  it('is the same for an id every time, and within the first half of the window', () => {
    for (const id of fleetIds) {
      const offset = refreshOffset(id, week);
      expect(offset).toBe(refreshOffset(id, week));
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(week / 2);
    }
  });
  it('spreads a fleet signed in at one moment evenly over half the window', () => {
    const expiresAt = T0 + 60 * DAY;
    const dueShare = (at: number) => fleetIds.filter((id) => expiresAt - at <= week - refreshOffset(id, week)).length / fleetIds.length;
    expect(dueShare(expiresAt - week)).toBeLessThan(0.01);
    expect(dueShare(expiresAt - week + week / 8)).toBeCloseTo(0.25, 1);
    expect(dueShare(expiresAt - week + week / 4)).toBeCloseTo(0.5, 1);
    expect(dueShare(expiresAt - week / 2)).toBe(1);
    // One hour of a window holds about 1/84 of the fleet, not all of it.
    const firstHour = dueShare(expiresAt - week + 3_600_000);
    expect(firstHour).toBeLessThan(0.03);
  });
  it('leaves tokens in the window but before their point out of a run', async () => {
    const f = fleet(0);
    const late = fleetIds.find((id) => refreshOffset(id, week) > DAY)!;
    const early = fleetIds.find((id) => refreshOffset(id, week) < DAY / 2)!;
    // Both in the window; only `early` has reached its own point.
    const expiresAt = T0 + week - refreshOffset(early, week);
    for (const userId of [late, early]) {
      await f.store.set(f.w.sessions.toStored({ accessToken: tokenOf(userId), userId, scopes: [], issuedAt: T0 - 53 * DAY, expiresAt }));
    }
    expect(await f.w.upkeep.run()).toMatchObject({ listed: 2, refreshed: 1, notDue: 1 });
    expect(await refreshedIn(f.store, T0)).toEqual([early]);
  });
});
