/**
 * The closed set of errors threads-auth produces.
 *
 * Protocol and upstream failures are one class, {@link ThreadsAuthError}, with a code from
 * {@link ThreadsAuthErrorCode}; misuse (bad options) is a {@link ThreadsAuthOptionError}, a coded
 * `TypeError`. One table, {@link ERROR_TABLE}, maps each code to an HTTP status and a message that is
 * safe to show a user. No message, cause or detail ever contains a secret or a token.
 *
 * @module
 */

/** Every error code threads-auth can produce. */
export const THREADS_AUTH_ERROR_CODES = [
  'invalid_state',
  'invalid_request',
  'access_denied',
  'authorization_failed',
  'code_exchange_failed',
  'long_lived_exchange_failed',
  'introspection_failed',
  'refresh_failed',
  'app_token_failed',
  'token_expired',
  'invalid_upstream_response',
  'upstream_error',
  'upstream_unavailable',
  'upstream_timeout',
  'invalid_signed_request',
  'forbidden_origin',
  'unauthenticated',
  'insufficient_scope',
  'payload_too_large',
  'request_timeout',
  'store_unavailable',
] as const;

/** A code from {@link THREADS_AUTH_ERROR_CODES}. */
export type ThreadsAuthErrorCode = (typeof THREADS_AUTH_ERROR_CODES)[number];

/** The upstream step an error came from, when it came from one. */
export type ThreadsStep =
  | 'authorize'
  | 'code_exchange'
  | 'long_lived_exchange'
  | 'introspection'
  | 'refresh'
  | 'app_token'
  | 'profile';

interface ErrorTableEntry {
  /** The HTTP status a request that failed with this code is answered with. */
  readonly status: number;
  /** A short message that is safe to show the user. */
  readonly message: string;
}

/** One row per code: the HTTP status it maps to and a message safe to show a user. */
export const ERROR_TABLE: Readonly<Record<ThreadsAuthErrorCode, ErrorTableEntry>> = Object.freeze({
  invalid_state: { status: 400, message: 'The sign-in could not be verified. Please start again.' },
  invalid_request: { status: 400, message: 'The sign-in response was malformed. Please start again.' },
  access_denied: { status: 403, message: 'Sign-in with Threads was cancelled.' },
  authorization_failed: { status: 400, message: 'Threads did not authorize the sign-in.' },
  code_exchange_failed: { status: 502, message: 'Threads refused the sign-in code. Please start again.' },
  long_lived_exchange_failed: { status: 502, message: 'Threads did not issue a long-lived token. Please try again.' },
  introspection_failed: { status: 502, message: 'Threads could not confirm the token. Please try again.' },
  refresh_failed: { status: 502, message: 'Threads did not refresh the token.' },
  app_token_failed: { status: 502, message: 'Threads did not issue an app access token.' },
  token_expired: { status: 401, message: 'The Threads session has expired. Please sign in again.' },
  invalid_upstream_response: { status: 502, message: 'Threads sent an unexpected response. Please try again.' },
  upstream_error: { status: 502, message: 'Threads answered with an error. Please try again.' },
  upstream_unavailable: { status: 503, message: 'Threads is unavailable right now. Please try again later.' },
  upstream_timeout: { status: 504, message: 'Threads did not answer in time. Please try again.' },
  invalid_signed_request: { status: 400, message: 'The signed request could not be verified.' },
  forbidden_origin: { status: 403, message: 'This request must come from this site.' },
  unauthenticated: { status: 401, message: 'Sign in with Threads to continue.' },
  insufficient_scope: { status: 403, message: 'The Threads permissions granted do not allow this.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  request_timeout: { status: 408, message: 'The request body did not arrive in time.' },
  store_unavailable: { status: 503, message: 'Sign-in is temporarily unavailable. Please try again in a moment.' },
});

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

/** Headers the answer to some codes must carry: when to come back, and that a half-read body ends the connection. */
const ERROR_HEADERS: Partial<Record<ThreadsAuthErrorCode, Readonly<Record<string, string>>>> = Object.freeze({
  store_unavailable: Object.freeze({ 'retry-after': '5' }),
  request_timeout: Object.freeze({ connection: 'close' }),
  payload_too_large: Object.freeze({ connection: 'close' }),
});

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
  /** Always `true`: the message never carries a secret, so frameworks may show it (Koa reads `expose`). */
  readonly expose = true;
  /** A short message safe to show a user. */
  readonly safeMessage: string;
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
    this.step = options.step;
    this.meta = options.meta;
    this.headers = ERROR_HEADERS[code];
  }
}

/** True when `value` is a {@link ThreadsAuthError} (also across duplicated copies of the package). */
export function isThreadsAuthError(value: unknown): value is ThreadsAuthError {
  return value instanceof ThreadsAuthError || (value instanceof Error && value.name === 'ThreadsAuthError' && 'code' in value);
}

/**
 * Thrown by `createThreadsAuth` (and the adapters) when an option is missing or invalid.
 * The message names the option and says how to fix it.
 */
export class ThreadsAuthOptionError extends TypeError {
  override readonly name = 'ThreadsAuthOptionError';
  /** Always `ERR_THREADS_AUTH_OPTION`. */
  readonly code = 'ERR_THREADS_AUTH_OPTION';
  /** The option at fault, e.g. `secret`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`threads-auth: option "${option}" ${message}`);
    this.option = option;
  }
}
