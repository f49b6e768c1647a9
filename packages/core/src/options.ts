/**
 * The options every adapter accepts, validated once at startup.
 *
 * @module
 */
import { randomBytes as nodeRandomBytes } from './crypto.js';
import { ThreadsAuthOptionError, type ThreadsAuthError } from './errors.js';
import type { TokenStore } from './store.js';
import { BASIC_SCOPE, DEFAULT_AUTHORIZATION_URL, DEFAULT_GRAPH_URL } from './threads.js';
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
  /** Permissions to request; `threads_basic` is always included. */
  readonly scopes?: readonly string[];
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
}

/** The options that the protocol steps need: what `createThreadsClient` takes. */
export type ThreadsClientOptions = Pick<
  ThreadsAuthOptions,
  'clientId' | 'clientSecret' | 'redirectUri' | 'scopes' | 'authorizationUrl' | 'graphUrl' | 'timeoutMs' | 'fetch' | 'retry' | 'pkce'
>;

/** {@link ThreadsClientOptions} after validation and defaults. */
export interface ResolvedClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: URL;
  readonly scopes: readonly string[];
  readonly authorizationUrl: URL;
  readonly graphUrl: string;
  readonly timeoutMs: number;
  readonly pkce: boolean;
  readonly fetch: FetchLike;
  readonly attempts: number;
  readonly retryDelayMs: number;
}

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
  readonly hooks: Pick<ThreadsAuthOptions, 'onLogin' | 'onTokenRefreshed' | 'onTokenRevoked' | 'onError'>;
}

const DAY = 24 * 60 * 60 * 1000;

function requireString(options: Record<string, unknown>, name: string, hint: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new ThreadsAuthOptionError(name, `is required: ${hint}`);
  if (value !== value.trim()) throw new ThreadsAuthOptionError(name, 'has leading or trailing whitespace; check how it is loaded.');
  return value;
}

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ThreadsAuthOptionError(name, `must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ThreadsAuthOptionError(name, `must be an http(s) URL; got "${value}".`);
  if (url.hash !== '') throw new ThreadsAuthOptionError(name, 'must not contain a #fragment.');
  return url;
}

function redirectTarget(name: string, value: unknown, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(value.startsWith('/') || /^https?:\/\//.test(value)) || value.startsWith('//')) {
    throw new ThreadsAuthOptionError(name, 'must be a path starting with "/" or an absolute http(s) URL.');
  }
  return value;
}

function positiveInteger(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw new ThreadsAuthOptionError(name, `must be a positive integer of at most ${max}; got ${String(value)}.`);
  }
  return value;
}

function atLeast(name: string, value: number, min: number): number {
  // Sessions are renewed at most once a day, so a shorter lifetime could end an active session.
  if (value < min) throw new ThreadsAuthOptionError(name, `must be at least ${min} ms (2 days); got ${value}.`);
  return value;
}

function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ThreadsAuthOptionError(name, 'must be a function.');
  return value as T;
}

function asRecord(options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new ThreadsAuthOptionError('options', 'must be an object.');
  return options as Record<string, unknown>;
}

/** Validates the protocol options. @throws {ThreadsAuthOptionError} naming the first bad option. */
export function resolveClientOptions(options: ThreadsClientOptions): ResolvedClientOptions {
  const raw = asRecord(options);
  const clientId = requireString(raw, 'clientId', 'your Threads App ID (App Dashboard → App settings → Basic → Threads App ID).');
  const clientSecret = requireString(raw, 'clientSecret', 'your Threads App secret (App Dashboard → App settings → Basic).');
  const redirectUri = httpUrl('redirectUri', requireString(raw, 'redirectUri', 'the callback URL registered in the App Dashboard, e.g. https://example.com/auth/threads/callback.'));

  const scopesInput = raw['scopes'] ?? [];
  if (!Array.isArray(scopesInput) || scopesInput.some((s) => typeof s !== 'string' || !/^[a-z_]+$/.test(s))) {
    throw new ThreadsAuthOptionError('scopes', 'must be an array of permission names such as ["threads_basic", "threads_content_publish"].');
  }
  const scopes = [...new Set([BASIC_SCOPE, ...(scopesInput as string[])])];

  const authorizationUrl = httpUrl('authorizationUrl', (raw['authorizationUrl'] as string | undefined) ?? DEFAULT_AUTHORIZATION_URL);
  const graph = httpUrl('graphUrl', (raw['graphUrl'] as string | undefined) ?? DEFAULT_GRAPH_URL);
  if (graph.pathname !== '/' || graph.search !== '') {
    throw new ThreadsAuthOptionError('graphUrl', `must be an origin without a path or version, e.g. "${DEFAULT_GRAPH_URL}".`);
  }

  const retry = (raw['retry'] ?? {}) as Record<string, unknown>;
  const fetchFn = optionalFunction<FetchLike>('fetch', raw['fetch']) ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new ThreadsAuthOptionError('fetch', 'is required: this runtime has no global fetch.');

  const pkce = raw['pkce'] ?? false;
  if (typeof pkce !== 'boolean') throw new ThreadsAuthOptionError('pkce', 'must be a boolean.');

  return {
    clientId,
    clientSecret,
    redirectUri,
    scopes: Object.freeze(scopes),
    authorizationUrl,
    graphUrl: graph.origin,
    timeoutMs: positiveInteger('timeoutMs', raw['timeoutMs'], 10_000, 120_000),
    pkce,
    fetch: fetchFn,
    attempts: positiveInteger('retry.attempts', retry['attempts'], 3, 3),
    retryDelayMs: retry['delayMs'] === 0 ? 0 : positiveInteger('retry.delayMs', retry['delayMs'], 200, 10_000),
  };
}

/** Validates `options` and fills in defaults. @throws {ThreadsAuthOptionError} naming the first bad option. */
export function resolveOptions(options: ThreadsAuthOptions): ResolvedOptions {
  const client = resolveClientOptions(options);
  const raw = asRecord(options);

  const secretInput = raw['secret'];
  const secrets = typeof secretInput === 'string' ? [secretInput] : Array.isArray(secretInput) ? (secretInput as unknown[]) : [];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
    throw new ThreadsAuthOptionError('secret', 'must be a string of at least 32 characters (or an array of them); generate one with `openssl rand -base64 32`.');
  }

  const callbackPath = client.redirectUri.pathname;
  const derived = /^((?:\/[A-Za-z0-9._~-]+)+)\/callback\/?$/.exec(callbackPath)?.[1];
  const basePath = raw['basePath'] ?? derived ?? '/auth/threads';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    throw new ThreadsAuthOptionError('basePath', 'must be a path such as "/auth/threads" (leading "/", no trailing "/").');
  }
  if (derived !== undefined && derived !== basePath) {
    throw new ThreadsAuthOptionError(
      'basePath',
      `is "${basePath}" but redirectUri's path is "${callbackPath}": the login would live under ${basePath} and the callback under ${derived}. ` +
        `Remove basePath (it is derived from redirectUri) or make redirectUri end in "${basePath}/callback" (and register that URL in the App Dashboard).`,
    );
  }

  const store = raw['store'] as TokenStore | undefined;
  if (store !== undefined) {
    for (const method of ['get', 'set', 'delete', 'listDue', 'setSession', 'getSession', 'deleteSession', 'deleteSessions'] as const) {
      if (typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
        throw new ThreadsAuthOptionError('store', `must implement TokenStore (missing ${method}()); use MemoryTokenStore, RedisTokenStore or PostgresTokenStore.`);
      }
    }
  }

  return Object.freeze({
    ...client,
    origin: client.redirectUri.origin,
    secrets: Object.freeze([...(secrets as string[])]),
    basePath,
    successRedirect: redirectTarget('successRedirect', raw['successRedirect'], '/')!,
    failureRedirect: redirectTarget('failureRedirect', raw['failureRedirect'], undefined),
    store,
    refreshWindow: positiveInteger('refreshWindow', raw['refreshWindow'], 7 * DAY, 59 * DAY),
    sessionMaxAge: atLeast('sessionMaxAge', positiveInteger('sessionMaxAge', raw['sessionMaxAge'], 30 * DAY, 400 * DAY), 2 * DAY),
    storeTimeoutMs: positiveInteger('storeTimeoutMs', raw['storeTimeoutMs'], 3_000, 60_000),
    bodyTimeoutMs: positiveInteger('bodyTimeoutMs', raw['bodyTimeoutMs'], 10_000, 120_000),
    callbackPath,
    now: optionalFunction<() => number>('now', raw['now']) ?? Date.now,
    randomBytes: optionalFunction<(size: number) => Uint8Array>('randomBytes', raw['randomBytes']) ?? nodeRandomBytes,
    secureCookies: client.redirectUri.protocol === 'https:',
    hooks: {
      onLogin: optionalFunction<ThreadsAuthOptions['onLogin']>('onLogin', raw['onLogin']),
      onTokenRefreshed: optionalFunction<ThreadsAuthOptions['onTokenRefreshed']>('onTokenRefreshed', raw['onTokenRefreshed']),
      onTokenRevoked: optionalFunction<ThreadsAuthOptions['onTokenRevoked']>('onTokenRevoked', raw['onTokenRevoked']),
      onError: optionalFunction<ThreadsAuthOptions['onError']>('onError', raw['onError']),
    },
  });
}
