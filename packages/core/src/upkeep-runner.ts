/**
 * The upkeep runner of a long-running process ({@link ThreadsAuth.startUpkeep}): one run now, then one every
 * `every` ms after the last one ended, until stopped. No scheduler of its own beyond that: apps with cron, BullMQ
 * or pg-boss call `refreshDue()` from there instead (README, "Keeping tokens alive").
 *
 * @module
 */
import type { AuthContext } from './context.js';
import { ThreadsAuthOptionError } from './errors.js';
import { integer, resolveRun, type StartUpkeepOptions, type Upkeep, type UpkeepReport, type UpkeepRunner, type UpkeepTimers } from './upkeep-options.js';

/** Waiting on the real clock: `sleep` resolves after `ms`, or early when `signal` aborts. */
export const REAL_TIMERS: UpkeepTimers = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Starts the runner: `run` is the instance's upkeep run; `timers` waits between runs. */
export function startUpkeep(ctx: AuthContext, run: Upkeep['run'], timers: UpkeepTimers, options: StartUpkeepOptions): UpkeepRunner {
  ctx.requireStore('startUpkeep');
  if (options?.every === undefined) throw new ThreadsAuthOptionError('every', 'is required: the ms between runs, e.g. startUpkeep({ every: 15 * 60_000 }).');
  const every = integer('every', options.every, 0, 1_000, 2_147_483_647);
  const { every: _, onReport, signal: outer, ...runOptions } = options;
  resolveRun(runOptions);
  const controller = new AbortController();
  if (outer?.aborted) controller.abort();
  outer?.addEventListener('abort', () => controller.abort(), { once: true });
  let lastReport: UpkeepReport | undefined;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        lastReport = await run({ ...runOptions, signal: controller.signal });
        if (onReport !== undefined) {
          const report = lastReport;
          await ctx.runHook(() => onReport(report));
        }
      } catch (error) {
        ctx.report(error);
      }
      await timers.sleep(every, controller.signal);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
    get lastReport() {
      return lastReport;
    },
  };
}
