/**
 * The public shape of the upkeep ({@link ThreadsAuth.refreshDue}, {@link ThreadsAuth.startUpkeep}): a run's
 * options, its progress and report, the runner, and the validation of the options into the numbers a run uses.
 * The run itself is upkeep.ts.
 *
 * @module
 */
import { ThreadsAuthOptionError, type ThreadsAuthError } from './errors.js';

/** Options of one upkeep run ({@link ThreadsAuth.refreshDue}); every one is optional. */
export interface UpkeepOptions {
  /** Refreshes in flight at once, 1–256. Default 12. */
  readonly concurrency?: number;
  /** Tokens read from the store per page, 1–10 000. Default 500. */
  readonly pageSize?: number;
  /** @deprecated Use `pageSize`; accepted as its alias. */
  readonly limit?: number;
  /** Stops the run: no refresh starts after it fires; the ones in flight finish and are counted. */
  readonly signal?: AbortSignal;
  /** Called with the running counts after each page is read and at each rate-limit pause. */
  readonly onProgress?: (progress: UpkeepProgress) => void;
  /** How many failures {@link UpkeepReport.failures} keeps (the first ones), 0–10 000. Default 100. */
  readonly maxFailures?: number;
  /**
   * A token whose refresh fails transiently (Meta unavailable or timing out, the store failing) is tried
   * again later in the same run, without holding a slot meanwhile: at most `attempts` times in all (1–10,
   * default 3), waiting `delayMs` (default 30 000) and doubling after each failure. A listing of the next
   * page that the store fails or stalls on (`store_unavailable`) is also tried up to `attempts` times, after
   * 1 s, 2 s, 4 s… (at most 30 s), while the refreshes in flight go on; then the run rejects with that error.
   */
  readonly retry?: { readonly attempts?: number; readonly delayMs?: number };
  /**
   * A rate-limit answer (Meta codes 4, 17, 32, 613, or HTTP 429) pauses the whole run: for as long as Meta
   * says (`Retry-After`, `X-Business-Use-Case-Usage`), else `delayMs` (default 60 000) doubling per
   * consecutive pause up to 15 minutes. After `maxPauses` (default 6) pauses without a refresh in between,
   * the run ends with `ended: 'rate_limited'`.
   */
  readonly rateLimit?: { readonly delayMs?: number; readonly maxPauses?: number };
}

/** The counts of a run so far. */
export interface UpkeepProgress {
  /** Tokens the store listed in the due range. */
  readonly listed: number;
  /** Tokens refreshed and persisted by this run. */
  readonly refreshed: number;
  /** Tokens Meta refused for good (code 190/102): forgotten, and `onTokenRevoked` was called. */
  readonly revoked: number;
  /** Tokens that could not be refreshed (after their retries); their still-valid token is kept. */
  readonly failed: number;
  /** Tokens another worker held the lock on, had already refreshed, or deleted: nothing to do here. */
  readonly skipped: number;
  /** Tokens in the window whose own refresh point ({@link refreshOffset}) has not come yet. */
  readonly notDue: number;
  /** Retries scheduled after transient failures. */
  readonly retries: number;
  /** Rate-limit pauses. */
  readonly pauses: number;
  /** While paused for a rate limit: when the run resumes (ms since the epoch). */
  readonly pausedUntil?: number;
}

/** One token the run could not refresh. */
export interface UpkeepFailure {
  readonly userId: string;
  /** The last error; its message never carries a token. */
  readonly error: ThreadsAuthError | Error;
  /** How many times this run tried it. */
  readonly attempts: number;
}

/** What a run resolves: counts, the first failures, and why it ended. */
export interface UpkeepReport extends UpkeepProgress {
  /** The first `maxFailures` failures. `failed` counts them all. */
  readonly failures: readonly UpkeepFailure[];
  /** `done` when every listed token was handled, `aborted` by the signal, `rate_limited` after `maxPauses`. */
  readonly ended: 'done' | 'aborted' | 'rate_limited';
  /** Wall time of the run on the instance's clock, in ms. */
  readonly durationMs: number;
}

/** @deprecated The old name of {@link UpkeepReport}, which `refreshDue` now resolves. */
export type RefreshDueResult = UpkeepReport;

/** Options of {@link ThreadsAuth.startUpkeep}: a run's options, plus how often. */
export interface StartUpkeepOptions extends Omit<UpkeepOptions, 'signal'> {
  /** Milliseconds from the end of one run to the start of the next, 1 000 – 2 147 483 647. Example: `15 * 60_000`. */
  readonly every: number;
  /** Stops the runner, as {@link UpkeepRunner.stop} does. */
  readonly signal?: AbortSignal;
  /** Called with each run's report. A run that rejects (the store is down) goes to `onError` instead. */
  readonly onReport?: (report: UpkeepReport) => void;
}

/** A running {@link ThreadsAuth.startUpkeep}. */
export interface UpkeepRunner {
  /** Stops: no refresh starts any more; resolves once the refreshes in flight have finished. */
  stop(): Promise<void>;
  /** The report of the last run that ended, if any. */
  readonly lastReport: UpkeepReport | undefined;
}

/** How the upkeep waits; injected by tests. `sleep` resolves after `ms`, or early when `signal` aborts. */
export interface UpkeepTimers {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The upkeep of one instance. */
export interface Upkeep {
  run(options?: UpkeepOptions): Promise<UpkeepReport>;
  start(options: StartUpkeepOptions): UpkeepRunner;
}

/** An integer option of a run, within `min`–`max`; `fallback` when not given. */
export function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ThreadsAuthOptionError(option, `must be an integer from ${min} to ${max} (got ${String(value)}).`);
  }
  return value;
}

/** The options of a run, validated, with their defaults. */
export function resolveRun(options: UpkeepOptions) {
  const retry = options.retry ?? {};
  const rateLimit = options.rateLimit ?? {};
  return {
    concurrency: integer('concurrency', options.concurrency, 12, 1, 256),
    pageSize: integer('pageSize', options.pageSize ?? options.limit, 500, 1, 10_000),
    maxFailures: integer('maxFailures', options.maxFailures, 100, 0, 10_000),
    attempts: integer('retry.attempts', retry.attempts, 3, 1, 10),
    retryDelayMs: integer('retry.delayMs', retry.delayMs, 30_000, 0, 3_600_000),
    pauseMs: integer('rateLimit.delayMs', rateLimit.delayMs, 60_000, 1, 3_600_000),
    maxPauses: integer('rateLimit.maxPauses', rateLimit.maxPauses, 6, 1, 1_000),
  };
}
