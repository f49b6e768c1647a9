/**
 * Upkeep: keeping every stored token alive from a job, at fleet scale. One run walks the due tokens with the
 * store's keyset cursor (`expiresAt`, then `userId`), so a token that keeps failing never hides the ones after
 * it, claiming each page ({@link DueQuery.claim}) so concurrent workers split the fleet; refreshes
 * `concurrency` tokens at a time through the lifecycle (the store's lock makes each refresh happen once);
 * retries a transient failure per token with backoff without holding a slot; pauses the whole run when Meta
 * answers with a rate limit; and reports counts plus a bounded list of failures, so memory stays flat in the
 * size of the fleet. Each token is refreshed at a point of its window fixed by its id ({@link refreshOffset}),
 * so a fleet that signed in on one launch day does not come due in one hour.
 *
 * @module
 */
import type { AuthContext } from './context.js';
import { isThreadsAuthError, type ThreadsAuthError } from './errors.js';
import { REAL_TIMERS, startUpkeep } from './upkeep-runner.js';
import type { Upkeep, UpkeepFailure, UpkeepOptions, UpkeepProgress, UpkeepReport, UpkeepTimers } from './upkeep-options.js';
import { resolveRun } from './upkeep-options.js';
import type { Lifecycle } from './lifecycle.js';
import type { SessionCodec } from './session.js';
import type { DueQuery, StoredToken } from './store.js';
import { base64url } from './crypto.js';
import { MIN_REFRESH_AGE_MS } from './threads.js';
import { isRateLimitMetaError } from './threads-errors.js';

/**
 * How far into its refresh window a token's refresh point lies, in ms: a fraction of the first half of
 * `windowMs` fixed by the user id (FNV-1a, 32 bits). The upkeep refreshes a token once `expiresAt - now` is at
 * most `windowMs - refreshOffset(userId, windowMs)`, so due points spread evenly over `windowMs / 2` while every
 * token still has at least half the window left for retries. The same id always gets the same offset, so
 * the spread survives refreshes: a refreshed token is due again 60 days later at the same point of its window.
 */
export function refreshOffset(userId: string, windowMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return Math.floor(((hash >>> 0) / 2 ** 32) * (windowMs / 2));
}

const MAX_PAUSE_MS = 15 * 60_000;
/** The first wait before a failed listing is tried again (see `readPage`); doubled after each failure. */
const LIST_RETRY_MS = 1_000;
/** The longest wait between two listings. */
const MAX_LIST_RETRY_MS = 30_000;
/**
 * How long a listed page stays claimed ({@link DueQuery.claim}): other workers list past it meanwhile. A page
 * takes seconds; the margin covers slow answers, retries and pauses. A worker that dies leaves its page to the
 * next run after this.
 */
export const CLAIM_TTL_MS = 5 * 60_000;
/** Failures worth another try in the same run: Meta or the network failing, not Meta refusing. */
const TRANSIENT = new Set(['upstream_unavailable', 'upstream_timeout', 'upstream_error', 'invalid_upstream_response', 'store_unavailable']);

type Position = { readonly expiresAt: number; readonly userId: string };
/** The listing order of `TokenStore.listDue`: `expiresAt`, then `userId` by UTF-16 code unit. */
const compare = (a: Position, b: Position) => a.expiresAt - b.expiresAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

interface Pending {
  readonly stored: StoredToken;
  readonly attempt: number;
  readonly retryAt: number;
}

/** Builds the upkeep over the lifecycle (which refreshes one token) and the codec (which opens stored records). */
export function createUpkeep(ctx: AuthContext, sessions: SessionCodec, lifecycle: Lifecycle, timers: UpkeepTimers = REAL_TIMERS): Upkeep {
  const { now, opts } = ctx;
  /** This instance's name in the store's claims ({@link DueQuery.claim}). */
  const owner = base64url(opts.randomBytes(12));

  async function run(options: UpkeepOptions = {}): Promise<UpkeepReport> {
    const store = ctx.requireStore('refreshDue');
    const o = resolveRun(options);
    const { signal } = options;
    const startedAt = now();
    const counts = { listed: 0, refreshed: 0, revoked: 0, failed: 0, skipped: 0, notDue: 0, retries: 0, pauses: 0 };
    const failures: UpkeepFailure[] = [];
    const retries: Pending[] = [];
    const inFlight = new Set<Promise<void>>();
    let pausedUntil = 0;
    let consecutivePauses = 0;
    let rateLimited = false;
    // One window for the whole run: a token that comes due while it runs is the next run's.
    const query = {
      issuedBefore: startedAt - MIN_REFRESH_AGE_MS,
      expiresBefore: startedAt + opts.refreshWindow,
      expiresAfter: startedAt,
      claim: { ttlMs: CLAIM_TTL_MS, owner },
    };
    let cursor: Position | undefined;
    let page: StoredToken[] = [];
    let next = 0;
    let exhausted = false;
    /** The next page, read while the refreshes of this one run, so launching never waits on the store. */
    let ahead: Promise<StoredToken[]> | undefined;

    const progress = (): UpkeepProgress => ({ ...counts, ...(pausedUntil > now() ? { pausedUntil } : {}) });
    const tell = () => {
      if (options.onProgress === undefined) return;
      try {
        options.onProgress(progress());
      } catch (error) {
        ctx.report(error);
      }
    };

    /**
     * The next page. A listing the store fails or stalls on (`store_unavailable`: a restart, a failover, a
     * statement past `storeTimeoutMs`) is tried again, up to `retry.attempts` times in all, after 1 s, 2 s, 4 s…
     * (at most 30 s), while the refreshes in flight go on; only then does the run reject. Listing
     * again is safe: the cursor has not moved, and a worker's own claims do not exclude it. Stopped by `signal`
     * while waiting: an empty page, so the run ends as `aborted`.
     */
    async function readPage(): Promise<StoredToken[]> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await listPage();
        } catch (error) {
          if (!isThreadsAuthError(error) || error.code !== 'store_unavailable') throw error;
          if (signal?.aborted) return [];
          if (attempt >= o.attempts) throw error;
          ctx.report(error);
          await timers.sleep(Math.min(LIST_RETRY_MS * 2 ** (attempt - 1), MAX_LIST_RETRY_MS), signal);
          if (signal?.aborted) return [];
        }
      }
    }

    async function listPage(): Promise<StoredToken[]> {
      for (let limit = o.pageSize; ; limit *= 2) {
        const rows = await store.listDue({ ...query, limit, ...(cursor === undefined ? {} : { after: cursor }) });
        // A store written before the cursor existed ignores `after`: skip what was read, and read further.
        const fresh = cursor === undefined ? rows : rows.filter((row) => compare(row, cursor!) > 0);
        if (fresh.length > 0 || rows.length < limit) {
          if (fresh.length > 0) cursor = { expiresAt: fresh.at(-1)!.expiresAt, userId: fresh.at(-1)!.userId };
          return fresh;
        }
      }
    }

    function fail(p: Pending, error: ThreadsAuthError | Error) {
      counts.failed++;
      if (failures.length < o.maxFailures) failures.push(Object.freeze({ userId: p.stored.userId, error, attempts: p.attempt }));
    }

    function retryOrFail(p: Pending, error: ThreadsAuthError | Error) {
      const transient = !isThreadsAuthError(error) || TRANSIENT.has(error.code);
      if (!transient || p.attempt >= o.attempts) return fail(p, error);
      counts.retries++;
      retries.push({ stored: p.stored, attempt: p.attempt + 1, retryAt: now() + o.retryDelayMs * 2 ** (p.attempt - 1) });
    }

    function pause(error: ThreadsAuthError, p: Pending) {
      const asked = error.meta?.retryAfterMs;
      // The refreshes in flight when the limit hit fail alike: one pause for all of them.
      if (pausedUntil <= now() || asked !== undefined) {
        consecutivePauses++;
        if (consecutivePauses > o.maxPauses) rateLimited = true;
        else {
          pausedUntil = Math.max(pausedUntil, now() + (asked ?? Math.min(o.pauseMs * 2 ** (consecutivePauses - 1), MAX_PAUSE_MS)));
          counts.pauses++;
          tell();
        }
      }
      // Not the token's fault: it goes again after the pause, without spending an attempt.
      retries.push({ ...p, retryAt: pausedUntil });
    }

    async function refreshOne(p: Pending): Promise<void> {
      const current = sessions.open(p.stored);
      if (current === undefined) return fail(p, new Error('the stored token could not be unsealed (was `secret` rotated without keeping the old one?)'));
      if (!lifecycle.isDue(current.record, now(), true)) {
        counts.notDue++;
        return;
      }
      let result: Awaited<ReturnType<Lifecycle['refresh']>>;
      try {
        result = await lifecycle.refresh(current, { fresh: true });
      } catch (error) {
        return retryOrFail(p, error instanceof Error ? error : new Error(String(error)));
      }
      switch (result.status) {
        case 'refreshed':
          counts.refreshed++;
          consecutivePauses = 0;
          return;
        case 'revoked':
          // Without an error the record was gone under the lock: deleted since it was listed.
          if (result.error === undefined) counts.skipped++;
          else counts.revoked++;
          return;
        case 'current':
        case 'locked':
          counts.skipped++;
          return;
        case 'kept': {
          const error = result.error ?? new Error('the refresh was backed off');
          if (isThreadsAuthError(error) && error.meta !== undefined && isRateLimitMetaError(error.meta)) return pause(error, p);
          return retryOrFail(p, error);
        }
      }
    }

    function launch(p: Pending) {
      const task = refreshOne(p)
        .catch((error: unknown) => ctx.report(error))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }

    /** The retry that is due soonest, removed from the queue when it is due now. */
    function dueRetry(): Pending | undefined {
      let soonest = -1;
      for (let i = 0; i < retries.length; i++) if (soonest < 0 || retries[i]!.retryAt < retries[soonest]!.retryAt) soonest = i;
      if (soonest < 0 || retries[soonest]!.retryAt > now()) return undefined;
      return retries.splice(soonest, 1)[0];
    }

    try {
      while (!signal?.aborted && !rateLimited) {
        if (inFlight.size >= o.concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        if (pausedUntil > now()) {
          await timers.sleep(pausedUntil - now(), signal);
          continue;
        }
        let task = dueRetry();
        if (task === undefined && !exhausted) {
          if (ahead === undefined && page.length - next <= Math.max(o.concurrency, page.length / 2)) {
            ahead = readPage();
            ahead.catch(() => {}); // Awaited below; this only keeps a failure from counting as unhandled meanwhile.
          }
          if (next >= page.length) {
            page = await ahead!;
            ahead = undefined;
            next = 0;
            counts.listed += page.length;
            exhausted = page.length === 0;
            tell();
            continue;
          }
          task = { stored: page[next++]!, attempt: 1, retryAt: 0 };
        }
        if (task !== undefined) {
          launch(task);
          continue;
        }
        if (inFlight.size > 0) await Promise.race(inFlight);
        else if (retries.length > 0) await timers.sleep(Math.max(0, Math.min(...retries.map((r) => r.retryAt)) - now()), signal);
        else break;
      }
    } finally {
      // A refresh Meta has answered must be persisted: let the ones in flight finish, even on abort or error.
      await Promise.allSettled([...inFlight, ahead]);
      // What this run listed is handled (or given up): open it to every worker now rather than at the claim's end.
      if (store.releaseClaims !== undefined) await store.releaseClaims(owner).catch((error: unknown) => ctx.report(error));
    }
    // Tokens left waiting for a retry when the run stopped were not refreshed: they count as failed.
    for (const p of retries) fail(p, new Error(rateLimited ? 'not retried: the run ended on rate limits' : 'not retried: the run was stopped'));
    return Object.freeze({
      ...counts,
      failures: Object.freeze(failures),
      ended: rateLimited ? 'rate_limited' : signal?.aborted ? 'aborted' : 'done',
      durationMs: now() - startedAt,
    });
  }

  return { run, start: (options) => startUpkeep(ctx, run, timers, options) };
}
