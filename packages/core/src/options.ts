/**
 * The options every adapter accepts, validated once at startup.
 *
 * @module
 */
import { randomBytes as nodeRandomBytes } from './crypto.js';
import { ThreadsAuthOptionError, type OptionProblem, type ThreadsAuthError } from './errors.js';
import type { TokenStore } from './store.js';
import { BASIC_SCOPE, DEFAULT_AUTHORIZATION_URL, DEFAULT_GRAPH_URL, OUTDATED_AUTHORIZATION_HOSTS, THREADS_SCOPES } from './threads.js';
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

/**
 * Every option name, so that a misspelt key is refused with a did-you-mean. Typed against
 * {@link ThreadsAuthOptions}: an option added there without a line here does not compile.
 */
const OPTION_KEYS: Readonly<Record<keyof ThreadsAuthOptions, true>> = {
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  secret: true,
  scopes: true,
  unlistedScopes: true,
  basePath: true,
  authorizationUrl: true,
  graphUrl: true,
  timeoutMs: true,
  successRedirect: true,
  failureRedirect: true,
  pkce: true,
  store: true,
  refreshWindow: true,
  sessionMaxAge: true,
  storeTimeoutMs: true,
  bodyTimeoutMs: true,
  now: true,
  fetch: true,
  randomBytes: true,
  retry: true,
  onLogin: true,
  onTokenRefreshed: true,
  onTokenRevoked: true,
  onError: true,
  logger: true,
  renderError: true,
};

/** Names people reach for that are another option here (from other OAuth libraries and Meta's own wording). */
const OPTION_ALIASES: Readonly<Record<string, keyof ThreadsAuthOptions>> = {
  scope: 'scopes',
  permissions: 'scopes',
  sessionSecret: 'secret',
  cookieSecret: 'secret',
  secrets: 'secret',
  appId: 'clientId',
  threadsAppId: 'clientId',
  client_id: 'clientId',
  appSecret: 'clientSecret',
  threadsAppSecret: 'clientSecret',
  client_secret: 'clientSecret',
  callbackUrl: 'redirectUri',
  callbackURL: 'redirectUri',
  redirectUrl: 'redirectUri',
  redirect_uri: 'redirectUri',
  timeout: 'timeoutMs',
};

/** The options that the protocol steps need: what `createThreadsClient` takes. */
export type ThreadsClientOptions = Pick<
  ThreadsAuthOptions,
  'clientId' | 'clientSecret' | 'redirectUri' | 'scopes' | 'unlistedScopes' | 'authorizationUrl' | 'graphUrl' | 'timeoutMs' | 'fetch' | 'retry' | 'pkce'
>;

const CLIENT_OPTION_KEYS: Readonly<Record<keyof ThreadsClientOptions, true>> = {
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  scopes: true,
  unlistedScopes: true,
  authorizationUrl: true,
  graphUrl: true,
  timeoutMs: true,
  fetch: true,
  retry: true,
  pkce: true,
};

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
  readonly logger: ThreadsAuthLogger | undefined;
  readonly renderError: ThreadsAuthOptions['renderError'];
  readonly hooks: Pick<ThreadsAuthOptions, 'onLogin' | 'onTokenRefreshed' | 'onTokenRevoked' | 'onError'>;
}

const DAY = 24 * 60 * 60 * 1000;

/** The default logger: one line on stderr. */
const CONSOLE_LOGGER: ThreadsAuthLogger = { error: (line) => console.error(line) };

/**
 * Collects every problem of one options object, so that all of them are reported in one error. Each check
 * records its problem and returns a stand-in, and validation goes on.
 */
class Problems {
  readonly list: OptionProblem[] = [];

  add(option: string, message: string): undefined {
    this.list.push({ option, message });
    return undefined;
  }

  /** @throws {ThreadsAuthOptionError} with every problem, when there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ThreadsAuthOptionError(this.list);
  }
}

/** Edit distance, for did-you-mean; small inputs only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `name` (case-insensitive, at most a third of its length away), if any. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function checkKeys(raw: Record<string, unknown>, known: Readonly<Record<string, true>>, problems: Problems, prefix = ''): void {
  const names = Object.keys(known);
  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(known, key) || raw[key] === undefined) continue;
    const alias = prefix === '' ? OPTION_ALIASES[key] : undefined;
    const suggestion = alias !== undefined && Object.hasOwn(known, alias) ? alias : closest(key, names);
    problems.add(
      `${prefix}${key}`,
      suggestion === undefined ? `is not an option of threads-auth; the options are: ${names.join(', ')}.` : `is not an option of threads-auth; did you mean "${prefix}${suggestion}"?`,
    );
  }
}

function requireString(raw: Record<string, unknown>, name: string, hint: string, problems: Problems): string | undefined {
  const value = raw[name];
  if (typeof value === 'number' || typeof value === 'bigint') {
    return problems.add(name, 'must be a string, not a number: quote it (a Threads id above 2^53 loses digits as a number; process.env values are strings already).');
  }
  if (typeof value !== 'string' || value.trim() === '') return problems.add(name, `is required: ${hint}`);
  if (value !== value.trim()) return problems.add(name, 'has leading or trailing whitespace; check how it is loaded.');
  return value;
}

function httpUrl(name: string, value: unknown, problems: Problems): URL | undefined {
  if (typeof value !== 'string') return problems.add(name, `must be an absolute http(s) URL string; got ${typeof value}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problems.add(name, `must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return problems.add(name, `must be an http(s) URL; got "${value}".`);
  if (url.hash !== '') return problems.add(name, 'must not contain a #fragment.');
  return url;
}

/** Loopback hosts, where plain http is fine in development (browsers treat them as secure contexts). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function redirectTarget(name: string, value: unknown, problems: Problems): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(value.startsWith('/') || /^https?:\/\//.test(value)) || value.startsWith('//')) {
    return problems.add(name, 'must be a path starting with "/" or an absolute http(s) URL.');
  }
  return value;
}

function positiveInteger(name: string, value: unknown, fallback: number, max: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    problems.add(name, `must be a positive integer of at most ${max}; got ${String(value)}.`);
    return fallback;
  }
  return value;
}

function atLeast(name: string, value: number, min: number, problems: Problems): number {
  // Sessions are renewed at most once a day, so a shorter lifetime could end an active session.
  if (value < min) problems.add(name, `must be at least ${min} ms (2 days); got ${value}.`);
  return value;
}

function optionalFunction<T>(name: string, value: unknown, problems: Problems): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') return problems.add(name, 'must be a function.');
  return value as T;
}

function asRecord(options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new ThreadsAuthOptionError('options', 'must be an object.');
  return options as Record<string, unknown>;
}

function scopeList(name: string, value: unknown, problems: Problems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || !/^[a-z_]+$/.test(s))) {
    problems.add(name, 'must be an array of permission names such as ["threads_basic", "threads_content_publish"].');
    return [];
  }
  return value as string[];
}

/** Validates the protocol options into `problems`; `undefined` when a required one is bad. */
function collectClientOptions(raw: Record<string, unknown>, problems: Problems): ResolvedClientOptions | undefined {
  const clientId = requireString(raw, 'clientId', 'your Threads App ID (App Dashboard → App settings → Basic → Threads App ID).', problems);
  const clientSecret = requireString(raw, 'clientSecret', 'your Threads App secret (App Dashboard → App settings → Basic).', problems);
  const redirectInput = requireString(raw, 'redirectUri', 'the callback URL registered in the App Dashboard, e.g. https://example.com/auth/threads/callback.', problems);
  const redirectUri = redirectInput === undefined ? undefined : httpUrl('redirectUri', redirectInput, problems);
  if (redirectUri?.protocol === 'http:' && !isLoopback(redirectUri.hostname)) {
    problems.add(
      'redirectUri',
      `is plain http on "${redirectUri.hostname}", which is not loopback: the session cookies would go out without Secure. Use https (Meta requires it), or http://127.0.0.1:<port> / http://localhost:<port> in development.`,
    );
  }

  const unlisted = scopeList('unlistedScopes', raw['unlistedScopes'], problems);
  const requested = scopeList('scopes', raw['scopes'], problems);
  const known: readonly string[] = THREADS_SCOPES;
  for (const scope of requested) {
    if (known.includes(scope) || unlisted.includes(scope)) continue;
    const suggestion = closest(scope, known);
    problems.add(
      'scopes',
      `has an unknown permission "${scope}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}. Known permissions: ${known.join(', ')}. For a permission Meta added after this release, list it in \`unlistedScopes\`.`,
    );
  }
  const scopes = [...new Set([BASIC_SCOPE, ...requested, ...unlisted])];

  const authorizationUrl = httpUrl('authorizationUrl', raw['authorizationUrl'] ?? DEFAULT_AUTHORIZATION_URL, problems);
  if (authorizationUrl !== undefined && OUTDATED_AUTHORIZATION_HOSTS.has(authorizationUrl.hostname)) {
    problems.add(
      'authorizationUrl',
      `is on ${authorizationUrl.hostname}, which answers 301 to threads.com and for some users drops the OAuth parameters on the way (they land on the Threads home page). Use "${DEFAULT_AUTHORIZATION_URL}" (the default): leave the option out.`,
    );
  }
  const graph = httpUrl('graphUrl', raw['graphUrl'] ?? DEFAULT_GRAPH_URL, problems);
  if (graph !== undefined && (graph.pathname !== '/' || graph.search !== '')) {
    problems.add('graphUrl', `must be an origin without a path or version, e.g. "${DEFAULT_GRAPH_URL}".`);
  }

  const retryInput = raw['retry'] ?? {};
  const retry = typeof retryInput === 'object' && retryInput !== null ? (retryInput as Record<string, unknown>) : (problems.add('retry', 'must be an object such as { attempts: 3, delayMs: 200 }.') ?? {});
  checkKeys(retry, { attempts: true, delayMs: true }, problems, 'retry.');
  const fetchFn = optionalFunction<FetchLike>('fetch', raw['fetch'], problems) ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') problems.add('fetch', 'is required: this runtime has no global fetch.');

  const pkce = raw['pkce'] ?? false;
  if (typeof pkce !== 'boolean') problems.add('pkce', 'must be a boolean.');

  const timeoutMs = positiveInteger('timeoutMs', raw['timeoutMs'], 10_000, 120_000, problems);
  const attempts = positiveInteger('retry.attempts', retry['attempts'], 3, 3, problems);
  const retryDelayMs = retry['delayMs'] === 0 ? 0 : positiveInteger('retry.delayMs', retry['delayMs'], 200, 10_000, problems);
  if (clientId === undefined || clientSecret === undefined || redirectUri === undefined || authorizationUrl === undefined || graph === undefined) return undefined;
  return {
    clientId,
    clientSecret,
    redirectUri,
    scopes: Object.freeze(scopes),
    authorizationUrl,
    graphUrl: graph.origin,
    timeoutMs,
    pkce: pkce === true,
    fetch: fetchFn,
    attempts,
    retryDelayMs,
  };
}

/** Validates the protocol options. @throws {ThreadsAuthOptionError} listing every bad option. */
export function resolveClientOptions(options: ThreadsClientOptions): ResolvedClientOptions {
  const raw = asRecord(options);
  const problems = new Problems();
  checkKeys(raw, CLIENT_OPTION_KEYS, problems);
  const client = collectClientOptions(raw, problems);
  problems.throwIfAny();
  return client!;
}

function resolveLogger(value: unknown, problems: Problems): ThreadsAuthLogger | undefined {
  if (value === undefined) return CONSOLE_LOGGER;
  if (value === false) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)['error'] !== 'function') {
    return problems.add('logger', 'must be an object with an error(line) method (console, pino, winston) or false to turn logging off.');
  }
  return value as ThreadsAuthLogger;
}

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
