/**
 * The closed set of errors threads-auth produces.
 *
 * Protocol and upstream failures are one class, {@link ThreadsAuthError}, with a code from
 * {@link ThreadsAuthErrorCode}; misuse (bad options) is a {@link ThreadsAuthOptionError}, a coded
 * `TypeError`. The codes and their table ({@link ERROR_TABLE}: HTTP status, a message that is safe to show
 * a user, fault, fix) are in `error-codes.ts`. No message, cause or detail ever contains a secret or a token.
 *
 * @module
 */
import { ERROR_HEADERS, ERROR_TABLE, type ThreadsAuthErrorCode, type ThreadsAuthFault } from './error-codes.js';

/** The upstream step an error came from, when it came from one. */
export type ThreadsStep =
  | 'authorize'
  | 'code_exchange'
  | 'long_lived_exchange'
  | 'introspection'
  | 'refresh'
  | 'app_token'
  | 'profile';

/** Meta's own description of a failure, from whichever of its three error-body shapes it used. */
export interface MetaErrorDetails {
  /** Meta's error `type`, e.g. `OAuthException`, `THApiException`. */
  readonly type?: string;
  /** Meta's numeric error code, e.g. `190` (invalid token), `4` (throttled). */
  readonly code?: number;
  /** Meta's `error_subcode`, e.g. `463` (expired), `458` (app removed). */
  readonly subcode?: number;
  /** Meta's `fbtrace_id`, to quote when asking Meta for support. */
  readonly fbtraceId?: string;
  /** Whether Meta flagged the failure as transient (`is_transient`). */
  readonly isTransient?: boolean;
  /** Meta's message, with anything that looks like a token redacted. */
  readonly message?: string;
  /** The HTTP status Meta answered with. */
  readonly httpStatus?: number;
  /** On a rate limit: how long Meta asked the caller to wait (ms), from `Retry-After` or its usage headers. */
  readonly retryAfterMs?: number;
}

/** Options for {@link ThreadsAuthError}. */
export interface ThreadsAuthErrorOptions {
  /** The upstream step the failure came from. */
  readonly step?: ThreadsStep;
  /** Meta's details, when Meta answered with an error body. */
  readonly meta?: MetaErrorDetails;
  /** The underlying error (never carrying a secret). */
  readonly cause?: unknown;
  /** A more precise message for logs; defaults to the table's safe message. */
  readonly message?: string;
}

/**
 * A protocol or upstream failure.
 *
 * `code` is one of {@link THREADS_AUTH_ERROR_CODES}; `status` is the HTTP status from {@link ERROR_TABLE};
 * `safeMessage` can be shown to a user. `meta` keeps Meta's type, code, subcode and fbtrace_id.
 *
 * @example
 * ```ts
 * try { await auth.getToken(userId); }
 * catch (err) { if (isThreadsAuthError(err) && err.code === 'upstream_timeout') retryLater(); }
 * ```
 */
export class ThreadsAuthError extends Error {
  override readonly name = 'ThreadsAuthError';
  /** What went wrong, from a closed set. */
  readonly code: ThreadsAuthErrorCode;
  /** The HTTP status this error is answered with. */
  readonly status: number;
  /** Alias of {@link ThreadsAuthError.status}, for frameworks that read `statusCode`. */
  readonly statusCode: number;
  /**
   * Always `false`: `message` is for the developer (it may name upstream URLs, redacted, and Meta's message), so
   * frameworks that honour http-errors' `expose` (Koa's default error answer, Nest's `BaseExceptionFilter`) answer
   * with the status text only. Show {@link ThreadsAuthError.safeMessage} to users.
   */
  readonly expose = false;
  /** A short message safe to show a user. */
  readonly safeMessage: string;
  /** What the developer should do about it (from {@link ERROR_TABLE}); for logs, never for a user. */
  readonly fix: string;
  /** Whose fault it is (from {@link ERROR_TABLE}). */
  readonly fault: ThreadsAuthFault;
  /** The upstream step the failure came from, if any. */
  readonly step: ThreadsStep | undefined;
  /** Meta's error details, when Meta answered with an error body. */
  readonly meta: MetaErrorDetails | undefined;
  /**
   * Response headers the error's answer must carry (`Retry-After` on a 503), for frameworks that read
   * `err.headers` (Express's and Koa's default error handlers do).
   */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: ThreadsAuthErrorCode, options: ThreadsAuthErrorOptions = {}) {
    const entry = ERROR_TABLE[code];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = entry.status;
    this.statusCode = entry.status;
    this.safeMessage = entry.message;
    this.fix = entry.fix;
    this.fault = entry.fault;
    this.step = options.step;
    this.meta = options.meta;
    this.headers = ERROR_HEADERS[code];
  }
}

/** True when `value` is a {@link ThreadsAuthError} (also across duplicated copies of the package). */
export function isThreadsAuthError(value: unknown): value is ThreadsAuthError {
  return value instanceof ThreadsAuthError || (value instanceof Error && value.name === 'ThreadsAuthError' && 'code' in value);
}

/** One problem found in the options: the option at fault (a dotted path for nested ones) and what to do. */
export interface OptionProblem {
  readonly option: string;
  readonly message: string;
}

/**
 * Thrown by `createThreadsAuth` (and the adapters) when options are missing or invalid. Every problem of one
 * options object is reported at once: `problems` lists them, the message has one line per problem, each naming
 * the option and how to fix it.
 */
export class ThreadsAuthOptionError extends TypeError {
  override readonly name = 'ThreadsAuthOptionError';
  /** Always `ERR_THREADS_AUTH_OPTION`. */
  readonly code = 'ERR_THREADS_AUTH_OPTION';
  /** The (first) option at fault, e.g. `secret`. */
  readonly option: string;
  /** Every problem found, in the order of the options. */
  readonly problems: readonly OptionProblem[];

  /**
   * @param option - The option at fault; or every problem found.
   * @param message - What is wrong and how to fix it (with a single `option`).
   */
  constructor(option: string | readonly OptionProblem[], message = '') {
    const problems = typeof option === 'string' ? [{ option, message }] : option;
    const line = (p: OptionProblem) => `option "${p.option}" ${p.message}`;
    super(
      problems.length === 1
        ? `threads-auth: ${line(problems[0]!)}`
        : `threads-auth: ${problems.length} problems with the options:\n${problems.map((p) => `  - ${line(p)}`).join('\n')}`,
    );
    this.option = problems[0]?.option ?? 'options';
    this.problems = Object.freeze([...problems]);
  }
}
