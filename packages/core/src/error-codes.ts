/**
 * Every error code threads-auth can produce, and what each one means for an answer: one table,
 * {@link ERROR_TABLE}, maps each code to an HTTP status, a message that is safe to show a user, whose fault
 * it is and the fix; `ERROR_HEADERS` adds the headers some answers must carry. The error classes that
 * carry these codes are in `errors.ts`.
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
  'invalid_client_secret',
  'invalid_client_id',
  'tester_not_accepted',
  'debug_token_refused',
  'permission_missing',
  'rate_limited',
] as const;

/** A code from {@link THREADS_AUTH_ERROR_CODES}. */
export type ThreadsAuthErrorCode = (typeof THREADS_AUTH_ERROR_CODES)[number];

/**
 * Whose fault a failure is: `request` (the visitor cancelled, a state was forged, expired or replayed, nobody is
 * signed in), `app` (the app's own setup: options, the App Dashboard), `threads` (Meta refused or failed).
 * The default logger writes one line for `app` and `threads`, none for `request`.
 */
export type ThreadsAuthFault = 'request' | 'app' | 'threads';

/** One row of {@link ERROR_TABLE}. */
export interface ErrorTableEntry {
  /** The HTTP status a request that failed with this code is answered with. */
  readonly status: number;
  /** A short message that is safe to show the user. */
  readonly message: string;
  /** Whose fault it is; decides whether the default logger writes a line. */
  readonly fault: ThreadsAuthFault;
  /** What the developer should do, for logs and docs/troubleshooting.md. Never shown to a user. */
  readonly fix: string;
}

const SETUP_PROBLEM = 'Sign-in with Threads is not available right now because of a problem with this site. Please try again later.';

/**
 * One row per code: the HTTP status it maps to, a message safe to show a user, whose fault it is and the fix.
 * Each code has a section in docs/troubleshooting.md named after it.
 */
export const ERROR_TABLE: Readonly<Record<ThreadsAuthErrorCode, ErrorTableEntry>> = Object.freeze({
  invalid_state: {
    status: 400,
    message: 'The sign-in could not be verified. Please start again.',
    fault: 'request',
    fix: 'None needed for a forged or replayed callback. If every login fails with it: the state cookie is not coming back (redirectUri on another host than the login, or a proxy dropping cookies), or the login took more than 10 minutes.',
  },
  invalid_request: {
    status: 400,
    message: 'The sign-in response was malformed. Please start again.',
    fault: 'request',
    fix: 'None needed for a hand-made callback URL. If real logins fail with it, check that nothing rewrites the callback query string.',
  },
  access_denied: { status: 403, message: 'Sign-in with Threads was cancelled.', fault: 'request', fix: 'None: the user pressed Cancel on the consent screen.' },
  authorization_failed: {
    status: 400,
    message: 'Threads did not authorize the sign-in.',
    fault: 'threads',
    fix: 'Meta redirected back with an error other than a cancel; its error and error_reason are in the callback URL. Check the App Dashboard settings and the requested scopes.',
  },
  code_exchange_failed: {
    status: 502,
    message: 'Threads refused the sign-in code. Please start again.',
    fault: 'threads',
    fix: "Meta refused the one-time code: reused (a double-clicked or replayed callback), older than an hour, or redirectUri differs from the one registered in the App Dashboard (exact match, trailing slash included). Meta's code and message are in the log line.",
  },
  long_lived_exchange_failed: {
    status: 502,
    message: 'Threads did not issue a long-lived token. Please try again.',
    fault: 'threads',
    fix: 'Meta refused th_exchange_token for the new short-lived token. Check that clientSecret is the Threads App secret; Meta\'s code and message are in the log line.',
  },
  introspection_failed: {
    status: 502,
    message: 'Threads could not confirm the token. Please try again.',
    fault: 'threads',
    fix: "debug_token said the new token is not valid, or refused the call. Meta's code and message are in the log line.",
  },
  refresh_failed: {
    status: 502,
    message: 'Threads did not refresh the token.',
    fault: 'threads',
    fix: 'Meta refused th_refresh_token for another reason than a dead token (the token must be at least 24 h old). The still-valid token keeps being served; the refresh is retried.',
  },
  app_token_failed: {
    status: 502,
    message: 'Threads did not issue an app access token.',
    fault: 'threads',
    fix: 'Meta refused client_credentials. Check clientId and clientSecret are the Threads App ID and secret.',
  },
  token_expired: {
    status: 401,
    message: 'The Threads session has expired. Please sign in again.',
    fault: 'request',
    fix: 'None in code: Meta says the token is dead (190; subcode 463 expired, 458 the user removed the app, 460 password changed, 467 invalid). The user must sign in again; refreshDue() from a cron keeps tokens of absent users alive.',
  },
  invalid_upstream_response: {
    status: 502,
    message: 'Threads sent an unexpected response. Please try again.',
    fault: 'threads',
    fix: 'Meta answered 2xx with a body that is not the documented JSON (or a 4xx without a Meta error). Check graphUrl points at https://graph.threads.net; otherwise retry later.',
  },
  upstream_error: { status: 502, message: 'Threads answered with an error. Please try again.', fault: 'threads', fix: 'Meta answered 5xx without an error body, after retries. Retry later.' },
  upstream_unavailable: {
    status: 503,
    message: 'Threads is unavailable right now. Please try again later.',
    fault: 'threads',
    fix: "The network call to Meta failed, or Meta said the failure is transient, after retries. Check the server's outbound network and DNS; otherwise retry later.",
  },
  upstream_timeout: { status: 504, message: 'Threads did not answer in time. Please try again.', fault: 'threads', fix: 'No answer within timeoutMs (per attempt). Check outbound network; raise timeoutMs only if Meta is slow for you.' },
  invalid_signed_request: {
    status: 400,
    message: 'The signed request could not be verified.',
    fault: 'request',
    fix: "None for a forged callback. If Meta's own deauthorize/delete callbacks fail with it, clientSecret is not the Threads App secret that signs them.",
  },
  forbidden_origin: { status: 403, message: 'This request must come from this site.', fault: 'request', fix: 'None: a cross-site logout was refused. Post the logout form from your own origin.' },
  unauthenticated: { status: 401, message: 'Sign in with Threads to continue.', fault: 'request', fix: 'None: nobody is signed in. Link to {basePath}/login.' },
  insufficient_scope: {
    status: 403,
    message: 'The Threads permissions granted do not allow this.',
    fault: 'request',
    fix: 'The token lacks a permission the route requires: add it to `scopes` and have the user sign in again (a token keeps the permissions it was issued with).',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.', fault: 'request', fix: 'None: a Meta callback body over 64 KiB was refused.' },
  invalid_client_secret: {
    status: 500,
    message: SETUP_PROBLEM,
    fault: 'app',
    fix: 'Meta says the client secret is wrong (code 101). Use the Threads App secret (App Dashboard → App settings → Basic → Threads App secret), not the Meta app secret shown at the top of the same page.',
  },
  invalid_client_id: {
    status: 500,
    message: SETUP_PROBLEM,
    fault: 'app',
    fix: 'Meta does not know this app id (1349026 "No application data was given", 4476002 "No app ID was provided"). Use the Threads App ID (App Dashboard → App settings → Basic → Threads App ID), not the Meta app id.',
  },
  tester_not_accepted: {
    status: 403,
    message: 'This Threads account cannot sign in to this app yet.',
    fault: 'app',
    fix: 'The app is in development mode and the account is not an accepted Threads tester (Meta 1349245, or a token granted without threads_basic). Add it under App roles → Roles → Threads Testers, have the user accept in Threads → Settings → Account → Website permissions → Invites, then sign in again; or publish the app.',
  },
  debug_token_refused: {
    status: 502,
    message: 'Threads could not confirm the token. Please try again.',
    fault: 'app',
    fix: 'Meta refused debug_token (code 100). threads-auth calls it with the app token made of clientId and clientSecret, which works only when both are the Threads App ID and secret (for apps in development mode Meta refuses other callers).',
  },
  permission_missing: {
    status: 403,
    message: 'The Threads permissions granted do not allow this.',
    fault: 'app',
    fix: 'Meta says the app lacks a permission for the call (code 10, or 200–299). Request the permission in `scopes`, get it approved in App Review (or use a tester account), and have the user sign in again.',
  },
  rate_limited: {
    status: 503,
    message: 'Threads is busy right now. Please try again in a few minutes.',
    fault: 'threads',
    fix: 'Meta is rate-limiting the app or the user (code 4 app, 17 user, 32 page, 613 custom). Back off; move token refreshes to refreshDue() from a cron instead of a burst.',
  },
  request_timeout: {
    status: 408,
    message: 'The request body did not arrive in time.',
    fault: 'request',
    fix: 'None: a client sent a Meta callback body too slowly and the connection was closed.',
  },
  store_unavailable: {
    status: 503,
    message: 'Sign-in is temporarily unavailable. Please try again in a moment.',
    fault: 'app',
    fix: "The token store did not answer within its timeout (or failed). Check the store's server (Redis, PostgreSQL) and the network to it; the answer carries Retry-After.",
  },
});

/** Headers the answer to some codes must carry: when to come back, and that a half-read body ends the connection. */
export const ERROR_HEADERS: Partial<Record<ThreadsAuthErrorCode, Readonly<Record<string, string>>>> = Object.freeze({
  store_unavailable: Object.freeze({ 'retry-after': '5' }),
  request_timeout: Object.freeze({ connection: 'close' }),
  payload_too_large: Object.freeze({ connection: 'close' }),
});
