/**
 * Every call of the store is bounded: {@link withDeadline} rejects with a {@link PostgresTimeoutError} once the
 * time is up, and {@link toTimeoutError} gives pg's own timeouts (connect, query read, `statement_timeout`) the
 * same shape, so a caller tells "PostgreSQL did not answer in time" from any other failure by one class.
 *
 * @module
 */
import type { QueryConfig } from 'pg';

/**
 * PostgreSQL did not answer a store call in time (option `timeoutMs`): a stalled server or network, a pool with
 * no free connection, or a statement cancelled by `statement_timeout`. The call was abandoned: a write may or
 * may not have been applied. Retry later; the next call opens a fresh connection if this one was stuck.
 *
 * @example
 * ```ts
 * try { await store.get(userId); }
 * catch (err) { if (err instanceof PostgresTimeoutError) res.status(503).end(); else throw err; }
 * ```
 */
export class PostgresTimeoutError extends Error {
  override readonly name = 'PostgresTimeoutError';
  /** Always `ETIMEDOUT`. */
  readonly code = 'ETIMEDOUT';
  /** The call that timed out, e.g. `get()`. */
  readonly operation: string;
  /** The bound it exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param operation - The call, e.g. `get()`.
   * @param timeoutMs - The bound of the call.
   * @param cause - pg's own timeout error, when pg gave up first (its connect, query or statement timeout).
   */
  constructor(operation: string, timeoutMs: number, cause?: Error) {
    super(
      cause === undefined
        ? `threads-auth: PostgreSQL did not answer ${operation} within ${timeoutMs} ms (option "timeoutMs"); the call was abandoned.`
        : `threads-auth: PostgreSQL did not answer ${operation} in time (pg: ${cause.message}).`,
      cause === undefined ? undefined : { cause },
    );
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** pg's messages for its own client-side timeouts (pg 8: pool checkout, connect, query read). */
const PG_TIMEOUT_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Query read timeout',
]);
/** SQLSTATE `query_canceled`, which `statement_timeout` raises. */
const QUERY_CANCELED = '57014';

/** `error` as a {@link PostgresTimeoutError} when it is one of pg's timeouts, else unchanged. */
export function toTimeoutError(error: unknown, operation: string, timeoutMs: number): unknown {
  if (!(error instanceof Error) || error instanceof PostgresTimeoutError) return error;
  const code = (error as { code?: unknown }).code;
  const timedOut = PG_TIMEOUT_MESSAGES.has(error.message) || (code === QUERY_CANCELED && /statement timeout/.test(error.message));
  return timedOut ? new PostgresTimeoutError(operation, timeoutMs, error) : error;
}

/**
 * Settles like `work`, or rejects with a {@link PostgresTimeoutError} after `timeoutMs`, calling `onAbandon`
 * so the work can stop before its next step. `work` may settle later; that outcome is dropped (and never an
 * unhandled rejection).
 */
export function withDeadline<T>(operation: string, timeoutMs: number, work: Promise<T>, onAbandon?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onAbandon?.();
      reject(new PostgresTimeoutError(operation, timeoutMs));
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toTimeoutError(error, operation, timeoutMs));
      },
    );
  });
}

/**
 * A pg query carrying a client-side read timeout, `query_timeout` (pg 8 reads it; `@types/pg` omits it), and,
 * given a `name`, sent as that prepared statement.
 */
export function timedQuery(text: string, values: unknown[] | undefined, timeoutMs: number, name?: string): QueryConfig {
  const config: QueryConfig & { readonly query_timeout: number } =
    name === undefined ? { text, values, query_timeout: timeoutMs } : { name, text, values, query_timeout: timeoutMs };
  return config;
}
