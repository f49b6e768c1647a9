/**
 * The options every adapter accepts, validated once at startup: {@link ThreadsAuthOptions} and
 * `resolveOptions`, which composes the checks (`option-checks.ts`) and the protocol options
 * (`client-options.ts`) into `ResolvedOptions`.
 *
 * @module
 */
import { collectClientOptions, type ResolvedClientOptions } from './client-options.js';
import { randomBytes as nodeRandomBytes } from './crypto.js';
import type { ThreadsAuthError } from './errors.js';
import { OPTION_KEYS, Problems, asRecord, atLeast, checkKeys, optionalFunction, positiveInteger, redirectTarget, resolveLogger } from './option-checks.js';
import type { TokenStore } from './store.js';
import type { ThreadsToken } from './token.js';
import type { FetchLike } from './upstream.js';

/** Why a user's token was forgotten. */
export type RevocationReason =
  /** `revoke(userId)` was called. */
  | 'revoked'
  /** Meta's deauthorize (uninstall) callback. */
  | 'deauthorized'
  /** Meta's data-deletion callback. */
  | 'data_deletion'
  /** Meta refused to refresh the token (code 190: expired, app removed, password changed). */
  | 'refresh_rejected';

/** What `onTokenRevoked` receives. */
export interface TokenRevokedEvent {
  readonly userId: string;
  readonly reason: RevocationReason;
}

/**
 * Options of `createThreadsAuth` and of every adapter (`threadsAuth(options)`, `ThreadsAuthModule.forRoot(options)`).
 */
export interface ThreadsAuthOptions {
  /** Your Threads App ID (App Dashboard → App settings → Basic → Threads App ID), not the Meta app id. */
  readonly clientId: string;
  /** Your Threads App secret. Never logged, never in a message. */
  readonly clientSecret: string;
  /** The callback URL registered in the App Dashboard, exactly; its path is `{basePath}/callback`. */
  readonly redirectUri: string;
  /**
   * Seals cookies and tokens at rest; at least 32 characters. Pass an array to rotate: the first seals,
   * all unseal.
   */
  readonly secret: string | readonly string[];
  /**
   * Permissions to request, from {@link THREADS_SCOPES}; `threads_basic` is always included. A name not in that
   * list is refused at startup (a typo would otherwise surface as Meta's error page in the middle of a login).
   */
  readonly scopes?: readonly string[];
  /**
   * Permissions Meta added after this release of threads-auth, requested as they are, unchecked. The explicit
   * escape from the {@link ThreadsAuthOptions.scopes} check, e.g. `['threads_new_permission']`.
   */
  readonly unlistedScopes?: readonly string[];
  /**
   * Where the login, logout and Meta callback routes live: the full path the app receives, mount prefix
   * included (`app.use('/api', …)`, Nest's `setGlobalPrefix('api')`). Default: derived from `redirectUri`
   * (its path without the final `/callback`), else `/auth/threads`. The callback route is always exactly
   * `redirectUri`'s path.
   */
  readonly basePath?: string;
  /** The authorization window. Default `https://www.threads.com/oauth/authorize`. */
  readonly authorizationUrl?: string;
  /** The Graph origin, without a version. Default `https://graph.threads.net`. */
  readonly graphUrl?: string;
  /** Bound on each upstream attempt, in ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** Where to send the browser after login or logout. Default `/`. */
  readonly successRedirect?: string;
  /** Where to send the browser after a failed login, with `?error=<code>`. Default: answer with the error status. */
  readonly failureRedirect?: string;
  /** Send a PKCE challenge. Off by default: Threads does not document PKCE. */
  readonly pkce?: boolean;
  /**
   * Keeps tokens server-side (the session cookie then carries only an opaque reference). Required for
   * `getToken`, `refreshDue` and background use. Default: none, tokens live in the sealed session cookie.
   */
  readonly store?: TokenStore;
  /** Refresh a token when it is within this many ms of expiry (and at least 24 h old). Default 7 days. */
  readonly refreshWindow?: number;
  /**
   * A session ends after this many ms without a request (rolling: each day of use renews it; the cookie is
   * re-issued at most once a day). Default 30 days. Also the bound on how long a copied cookie stays usable in
   * cookie mode, where a logout cannot reach other copies.
   */
  readonly sessionMaxAge?: number;
  /** Bound on every token-store call, in ms; a store that does not answer in time is a 503. Default 3 000. */
  readonly storeTimeoutMs?: number;
  /** Bound on reading a Meta callback's body, in ms; a slower body is cut off with 408. Default 10 000. */
  readonly bodyTimeoutMs?: number;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** The fetch used to call Meta. Default the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Source of random bytes. Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Retries of idempotent upstream calls: `attempts` 1–3 (default 3), `delayMs` the first backoff (default 200). */
  readonly retry?: { readonly attempts?: number; readonly delayMs?: number };
  /** Called after a successful login, once the token is persisted. */
  readonly onLogin?: (token: ThreadsToken) => void | Promise<void>;
  /** Called after a token was refreshed and persisted. */
  readonly onTokenRefreshed?: (token: ThreadsToken, previous: ThreadsToken) => void | Promise<void>;
  /** Called after a user's token was forgotten. */
  readonly onTokenRevoked?: (event: TokenRevokedEvent) => void | Promise<void>;
  /**
   * Called with failures that do not fail the request: a transient refresh failure (the still-valid token
   * keeps being served), a hook that threw. Default: none.
   */
  readonly onError?: (error: ThreadsAuthError | Error) => void;
  /**
   * Where one line per failure that is the app's or Meta's fault goes (a failed code exchange, a wrong client
   * secret, a refresh Meta refused, a hook that threw): the code, the step, Meta's code/subcode/fbtrace_id and
   * the fix; never a secret or a token. None for a user's cancel, a forged or expired state or a missing session.
   * Default: `console.error` (stderr). `false` turns it off; pass your logger (pino, winston, console) to route it.
   */
  readonly logger?: ThreadsAuthLogger | false;
  /**
   * Renders the HTML page a browser (`Accept: text/html`) gets for a failed or cancelled login when there is
   * no `failureRedirect`. Default: a small accessible page with the safe message and a link that starts the
   * login again. Must return a complete HTML document; it is sent with the error's status. If it throws, the
   * default page is sent and the error reported.
   */
  readonly renderError?: (error: ThreadsAuthError, context: ErrorPageContext) => string;
}

/** What {@link ThreadsAuthOptions.logger} needs: an `error` method taking one line (console, pino, winston fit). */
export interface ThreadsAuthLogger {
  error(line: string): void;
}

/** What {@link ThreadsAuthOptions.renderError} receives besides the error. */
export interface ErrorPageContext {
  /** Where a "try again" link should point: `{basePath}/login`. */
  readonly loginUrl: string;
}

/** The options that the protocol steps need: what `createThreadsClient` takes. */
export type ThreadsClientOptions = Pick<
  ThreadsAuthOptions,
  'clientId' | 'clientSecret' | 'redirectUri' | 'scopes' | 'unlistedScopes' | 'authorizationUrl' | 'graphUrl' | 'timeoutMs' | 'fetch' | 'retry' | 'pkce'
>;

/** Options after validation and defaults. */
export interface ResolvedOptions extends ResolvedClientOptions {
  readonly origin: string;
  readonly secrets: readonly string[];
  readonly basePath: string;
  readonly successRedirect: string;
  readonly failureRedirect: string | undefined;
  readonly store: TokenStore | undefined;
  readonly refreshWindow: number;
  readonly sessionMaxAge: number;
  readonly storeTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** The callback route: exactly `redirectUri`'s path. */
  readonly callbackPath: string;
  readonly now: () => number;
  readonly randomBytes: (size: number) => Uint8Array;
  readonly secureCookies: boolean;
  readonly logger: ThreadsAuthLogger | undefined;
  readonly renderError: ThreadsAuthOptions['renderError'];
  readonly hooks: Pick<ThreadsAuthOptions, 'onLogin' | 'onTokenRefreshed' | 'onTokenRevoked' | 'onError'>;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Validates `options` and fills in defaults.
 * @throws {ThreadsAuthOptionError} listing every bad option at once (`problems`), each with its fix.
 */
export function resolveOptions(options: ThreadsAuthOptions): ResolvedOptions {
  const raw = asRecord(options);
  const problems = new Problems();
  checkKeys(raw, OPTION_KEYS, problems);
  const client = collectClientOptions(raw, problems);

  const secretInput = raw['secret'];
  const secrets = typeof secretInput === 'string' ? [secretInput] : Array.isArray(secretInput) ? (secretInput as unknown[]) : [];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
    problems.add('secret', 'must be a string of at least 32 characters (or an array of them); generate one with `openssl rand -base64 32`.');
  }

  const callbackPath = client?.redirectUri.pathname ?? '/auth/threads/callback';
  const derived = /^((?:\/[A-Za-z0-9._~-]+)+)\/callback\/?$/.exec(callbackPath)?.[1];
  const basePath = raw['basePath'] ?? derived ?? '/auth/threads';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    problems.add('basePath', 'must be a path such as "/auth/threads" (leading "/", no trailing "/").');
  } else if (derived !== undefined && derived !== basePath) {
    problems.add(
      'basePath',
      `is "${basePath}" but redirectUri's path is "${callbackPath}": the login would live under ${basePath} and the callback under ${derived}. ` +
        `Remove basePath (it is derived from redirectUri) or make redirectUri end in "${basePath}/callback" (and register that URL in the App Dashboard).`,
    );
  }

  const store = raw['store'] as TokenStore | undefined;
  if (store !== undefined) {
    const missing = (['get', 'set', 'delete', 'listDue', 'setSession', 'getSession', 'deleteSession', 'deleteSessions'] as const).find((method) => typeof (store as unknown as Record<string, unknown>)[method] !== 'function');
    if (missing !== undefined) problems.add('store', `must implement TokenStore (missing ${missing}()); use MemoryTokenStore, RedisTokenStore or PostgresTokenStore.`);
  }

  const resolved = {
    secrets: Object.freeze([...(secrets as string[])]),
    basePath: basePath as string,
    successRedirect: redirectTarget('successRedirect', raw['successRedirect'], problems) ?? '/',
    failureRedirect: redirectTarget('failureRedirect', raw['failureRedirect'], problems),
    store,
    refreshWindow: positiveInteger('refreshWindow', raw['refreshWindow'], 7 * DAY, 59 * DAY, problems),
    sessionMaxAge: atLeast('sessionMaxAge', positiveInteger('sessionMaxAge', raw['sessionMaxAge'], 30 * DAY, 400 * DAY, problems), 2 * DAY, problems),
    storeTimeoutMs: positiveInteger('storeTimeoutMs', raw['storeTimeoutMs'], 3_000, 60_000, problems),
    bodyTimeoutMs: positiveInteger('bodyTimeoutMs', raw['bodyTimeoutMs'], 10_000, 120_000, problems),
    callbackPath,
    now: optionalFunction<() => number>('now', raw['now'], problems) ?? Date.now,
    randomBytes: optionalFunction<(size: number) => Uint8Array>('randomBytes', raw['randomBytes'], problems) ?? nodeRandomBytes,
    logger: resolveLogger(raw['logger'], problems),
    renderError: optionalFunction<ThreadsAuthOptions['renderError']>('renderError', raw['renderError'], problems),
    hooks: {
      onLogin: optionalFunction<ThreadsAuthOptions['onLogin']>('onLogin', raw['onLogin'], problems),
      onTokenRefreshed: optionalFunction<ThreadsAuthOptions['onTokenRefreshed']>('onTokenRefreshed', raw['onTokenRefreshed'], problems),
      onTokenRevoked: optionalFunction<ThreadsAuthOptions['onTokenRevoked']>('onTokenRevoked', raw['onTokenRevoked'], problems),
      onError: optionalFunction<ThreadsAuthOptions['onError']>('onError', raw['onError'], problems),
    },
  };
  problems.throwIfAny();
  return Object.freeze({ ...client!, ...resolved, origin: client!.redirectUri.origin, secureCookies: client!.redirectUri.protocol === 'https:' });
}
