/**
 * The state machine: `createThreadsAuth(options)` validates once and returns a frozen {@link ThreadsAuth}
 * whose `handle(request)` takes plain request data and resolves a typed {@link Outcome}. Adapters only
 * translate requests in and outcomes out.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { calculatePKCECodeChallenge } from 'openid-client';
import { buildAuthorizationUrl } from './authorize.js';
import { clientFromResolved, type ThreadsClient } from './client.js';
import { cookieNames, readCookie, setCookie, type SetCookie } from './cookies.js';
import { createConfirmationCode, verifyConfirmationCode } from './deletion.js';
import { ThreadsAuthError, ThreadsAuthOptionError, isThreadsAuthError } from './errors.js';
import { FORM_BODY_LIMIT, readRequestBody, type RequestBodyStream } from './form-body.js';
import { exchangeCode, exchangeForLongLivedToken } from './exchange.js';
import { fetchAppToken, introspectToken, type TokenIntrospection } from './introspect.js';
import { resolveOptions, type ResolvedOptions, type RevocationReason, type ThreadsAuthOptions } from './options.js';
import { sameSiteTarget, withErrorParameter } from './redirect.js';
import { refreshLongLivedToken } from './refresh.js';
import { createSealer } from './seal.js';
import { verifySignedRequest } from './signed-request.js';
import type { ReleaseLock, StoredToken } from './store.js';
import { MIN_REFRESH_AGE_MS } from './threads.js';
import { toThreadsToken, type ThreadsToken, type TokenRecord } from './token.js';

/** A request, as plain data. Adapters build it from their framework's request. */
export interface ThreadsAuthRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path and query the app received, e.g. `/auth/threads/callback?code=…&state=…`. */
  readonly url: string;
  /** The request headers, lower-case names (Node's `IncomingHttpHeaders` fits). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The request body stream (Node's `IncomingMessage` fits), read only on the POST routes that take a form
   * (`deauthorize`, `delete`) and only when no body parser already did.
   */
  readonly body?: RequestBodyStream;
  /** What a body parser already made of the body (`req.body`, `ctx.request.body`), if one ran. */
  readonly parsedBody?: unknown;
}

/** Headers every answer of an auth route carries. */
export type OutcomeHeaders = Readonly<Record<string, string>>;

/** Send the browser elsewhere. */
export interface RedirectOutcome {
  readonly type: 'redirect';
  readonly status: 302 | 303;
  readonly location: string;
  /** Includes `location` and `cache-control`. */
  readonly headers: OutcomeHeaders;
  readonly cookies: readonly SetCookie[];
  /** Set when a failed login is redirected to `failureRedirect`. */
  readonly error?: ThreadsAuthError;
}

/** Answer with a body (the data-deletion JSON, the deletion status page, 405s). */
export interface RespondOutcome {
  readonly type: 'respond';
  readonly status: number;
  readonly headers: OutcomeHeaders;
  readonly body: string;
  readonly cookies: readonly SetCookie[];
}

/** Answer with an error: its status and its safe message as text. */
export interface ErrorOutcome {
  readonly type: 'error';
  readonly status: number;
  readonly headers: OutcomeHeaders;
  readonly body: string;
  readonly error: ThreadsAuthError;
  readonly cookies: readonly SetCookie[];
}

/** Not an auth route: continue to the app with the token (or `undefined`), after sending `cookies`. */
export interface PassOutcome {
  readonly type: 'pass';
  readonly token: ThreadsToken | undefined;
  readonly cookies: readonly SetCookie[];
}

/** What `handle` resolves: a discriminated union on `type`. */
export type Outcome = RedirectOutcome | RespondOutcome | ErrorOutcome | PassOutcome;

/** What `refreshDue` resolves. */
export interface RefreshDueResult {
  /** Tokens refreshed and persisted. */
  readonly refreshed: readonly ThreadsToken[];
  /** Users whose token Meta refused to refresh (code 190); their token was forgotten. */
  readonly revoked: readonly string[];
  /** Users whose refresh failed transiently; their still-valid token was kept and will be retried. */
  readonly failed: readonly { readonly userId: string; readonly error: ThreadsAuthError | Error }[];
}

const BRAND = Symbol.for('threads-auth.instance');

/**
 * A configured threads-auth instance: what the adapters use, and what jobs use outside requests.
 * Create it with {@link createThreadsAuth}; pass it (or plain options) to `threadsAuth(...)` or
 * `ThreadsAuthModule.forRoot(...)`.
 */
export interface ThreadsAuth {
  /** Where the routes are mounted, e.g. `/auth/threads`. */
  readonly basePath: string;
  /** The protocol client, for the step functions. */
  readonly client: ThreadsClient;
  /** Whether tokens are kept in a server-side store (else in the sealed session cookie). */
  readonly hasStore: boolean;
  /**
   * Handles one request: the login, callback, logout, deauthorize, delete and deletion-status routes
   * under `basePath`, and on every other request resolves the session's token (refreshing it when due).
   * Rejects only on unexpected failures (a store that is down); protocol failures are outcomes.
   */
  handle(request: ThreadsAuthRequest): Promise<Outcome>;
  /**
   * What `handle` would resolve, when it can be known without I/O: an app request with no session, or with a
   * session whose token is in memory and not due. `undefined` otherwise: then call `handle`. Adapters try it
   * first so that a logged-in request costs no promise round.
   */
  handleSync(request: ThreadsAuthRequest): Outcome | undefined;
  /**
   * A valid token for `userId`, refreshed first when due, or `null` when none is stored or it can no longer
   * be refreshed. Needs a `store`.
   * @throws {ThreadsAuthOptionError} without a store.
   */
  getToken(userId: string): Promise<ThreadsToken | null>;
  /**
   * Refreshes every stored token that is due (at least 24 h old, within `refreshWindow` of expiry). Run it
   * from a cron, e.g. hourly. Needs a `store`.
   * @throws {ThreadsAuthOptionError} without a store.
   */
  refreshDue(options?: { readonly limit?: number }): Promise<RefreshDueResult>;
  /** Forgets the user's token (store) and calls `onTokenRevoked`. Resolves whether a token was stored. */
  revoke(userId: string): Promise<boolean>;
  /** What Threads' `debug_token` says about `accessToken`. @throws {ThreadsAuthError} */
  inspect(accessToken: string): Promise<TokenIntrospection>;
  /** The app access token (client_credentials), fetched once and reused. @throws {ThreadsAuthError} */
  getAppToken(): Promise<string>;
  /** @internal */
  readonly [BRAND]: true;
}

/** True when `value` is a {@link ThreadsAuth} made by `createThreadsAuth`. */
export function isThreadsAuth(value: unknown): value is ThreadsAuth {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** An instance, or the options to create one: what every adapter accepts. */
export type ThreadsAuthInput = ThreadsAuth | ThreadsAuthOptions;

/** `input` itself when it is an instance, else `createThreadsAuth(input)`. */
export function toThreadsAuth(input: ThreadsAuthInput): ThreadsAuth {
  return isThreadsAuth(input) ? input : createThreadsAuth(input);
}

const STATE_TTL_MS = 10 * 60 * 1000;
const CACHE_LIMIT = 10_000;
const TRANSIENT_BACKOFF_MS = 60_000;
const RECENT_REFRESH_MS = 60_000;
const NO_COOKIES: readonly SetCookie[] = Object.freeze([]);
const ANONYMOUS: PassOutcome = Object.freeze({ type: 'pass', token: undefined, cookies: NO_COOKIES });
const NO_STORE = 'no-store';

interface PendingLogin {
  /** state */
  readonly s: string;
  /** PKCE verifier */
  readonly v?: string;
  /** same-site return target */
  readonly r?: string;
  /** expiry, ms */
  readonly e: number;
}

interface Session {
  readonly record: TokenRecord;
  readonly token: ThreadsToken;
  /** The outcome of a request carrying this session when nothing needs doing: built once, shared. */
  readonly pass: PassOutcome;
}

type RefreshResult =
  | { readonly status: 'current'; readonly session: Session }
  | { readonly status: 'refreshed'; readonly session: Session }
  | { readonly status: 'kept'; readonly session: Session; readonly error?: ThreadsAuthError | Error }
  | { readonly status: 'revoked'; readonly error?: ThreadsAuthError };

/** A bounded map; the oldest entry goes first when full. */
class BoundedMap<K, V> extends Map<K, V> {
  override set(key: K, value: V): this {
    if (this.size >= CACHE_LIMIT && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function header(headers: ThreadsAuthRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

function isRecord(value: unknown): value is TokenRecord {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' && r !== null && typeof r['accessToken'] === 'string' && typeof r['userId'] === 'string' &&
    Array.isArray(r['scopes']) && typeof r['issuedAt'] === 'number' && typeof r['expiresAt'] === 'number'
  );
}

/**
 * Validates `options` once and returns the frozen {@link ThreadsAuth} instance the adapters use.
 *
 * @throws {ThreadsAuthOptionError} naming the first missing or invalid option.
 * @example
 * ```ts
 * const auth = createThreadsAuth({
 *   clientId: process.env.THREADS_APP_ID!, clientSecret: process.env.THREADS_APP_SECRET!,
 *   redirectUri: 'https://example.com/auth/threads/callback', secret: process.env.SESSION_SECRET!,
 *   store: new RedisTokenStore({ url: process.env.REDIS_URL! }),
 * });
 * app.use(threadsAuth(auth));            // Express or Koa
 * const token = await auth.getToken(id); // in a job
 * ```
 */
export function createThreadsAuth(options: ThreadsAuthOptions): ThreadsAuth {
  const opts: ResolvedOptions = resolveOptions(options);
  const client = clientFromResolved(opts);
  const { store, now, hooks } = opts;
  const names = cookieNames(opts.secureCookies);
  const sessionKey = names.session;
  const stateSealer = createSealer(opts.secrets, 'state', opts.randomBytes);
  const sessionSealer = createSealer(opts.secrets, 'session', opts.randomBytes);
  const storeSealer = createSealer(opts.secrets, 'store', opts.randomBytes);
  const basePath = opts.basePath;
  const clearState = setCookie(names.state, '', 0, opts.secureCookies);
  const clearSession = setCookie(names.session, '', 0, opts.secureCookies);
  const SIGNED_OUT: PassOutcome = Object.freeze({ type: 'pass', token: undefined, cookies: Object.freeze([clearSession]) });
  const AUTH_ROUTES = new Set(['login', 'callback', 'logout', 'deauthorize', 'delete', 'deletion-status']);

  /** Session cookie value → what it unseals to (a session in cookie mode, a user id in store mode). */
  const cookieCache = new BoundedMap<string, Session | string>();
  /** Sealed store value → session. */
  const storedCache = new BoundedMap<string, Session>();
  const inflight = new Map<string, Promise<RefreshResult>>();
  /** Cookie mode: old token → its refresh, for requests still carrying the old cookie when the refresh ended. */
  const refreshedRecently = new BoundedMap<string, { readonly until: number; readonly result: RefreshResult }>();
  const backoffUntil = new BoundedMap<string, number>();
  const usedStates = new BoundedMap<string, number>();
  let appToken: Promise<string> | undefined;

  const report = (error: unknown) => {
    try {
      hooks.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a failing error hook must not fail the request
    }
  };
  const runHook = async (hook: () => void | Promise<void>) => {
    try {
      await hook();
    } catch (error) {
      report(error);
    }
  };

  const session = (record: TokenRecord): Session => {
    const token = toThreadsToken(record);
    return { record, token, pass: Object.freeze({ type: 'pass', token, cookies: NO_COOKIES }) };
  };
  const isDue = (record: TokenRecord, at: number) => at - record.issuedAt >= MIN_REFRESH_AGE_MS && record.expiresAt - at <= opts.refreshWindow;
  const sessionCookie = (value: string, record: TokenRecord) =>
    setCookie(names.session, value, Math.max(1, Math.floor((record.expiresAt - now()) / 1000)), opts.secureCookies);
  const requireStore = (method: string) => {
    if (store === undefined) {
      throw new ThreadsAuthOptionError('store', `is required for ${method}(): configure MemoryTokenStore, RedisTokenStore or PostgresTokenStore.`);
    }
    return store;
  };

  /** What a store keeps for `record`: the token sealed, plus the times it needs to find due tokens. */
  const toStored = (record: TokenRecord): StoredToken => ({
    userId: record.userId,
    sealed: storeSealer.seal(record),
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
  });

  function unsealStored(stored: StoredToken): Session | undefined {
    const cached = storedCache.get(stored.sealed);
    if (cached !== undefined) return cached;
    const record = storeSealer.unseal(stored.sealed);
    if (!isRecord(record) || record.userId !== stored.userId) return undefined;
    const s = session(record);
    storedCache.set(stored.sealed, s);
    return s;
  }

  async function persist(record: TokenRecord): Promise<SetCookie> {
    if (store === undefined) {
      const value = sessionSealer.seal(record);
      cookieCache.set(value, session(record));
      return sessionCookie(value, record);
    }
    await store.set(toStored(record));
    const value = sessionSealer.seal({ u: record.userId });
    cookieCache.set(value, record.userId);
    return sessionCookie(value, record);
  }

  async function forget(userId: string, reason: RevocationReason): Promise<boolean> {
    const existed = store === undefined ? false : await store.delete(userId);
    await runHook(() => hooks.onTokenRevoked?.({ userId, reason }));
    return existed;
  }

  /** Refreshes `current` once per process (and, with a store that locks, once across instances). */
  function refresh(current: Session): Promise<RefreshResult> {
    const key = store === undefined ? `t:${current.record.accessToken}` : `u:${current.record.userId}`;
    const running = inflight.get(key);
    if (running !== undefined) return running;
    const recent = refreshedRecently.get(key);
    if (recent !== undefined && recent.until > now()) return Promise.resolve(recent.result);
    const retryAt = backoffUntil.get(key);
    if (retryAt !== undefined && retryAt > now()) return Promise.resolve({ status: 'kept', session: current });
    const promise = runRefresh(current, key)
      .then((result) => {
        // A page's parallel requests that arrive just after the refresh still carry the old cookie: hand them
        // the same new token instead of asking Meta again.
        if (store === undefined && result.status === 'refreshed') refreshedRecently.set(key, { until: now() + RECENT_REFRESH_MS, result });
        return result;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  async function runRefresh(current: Session, key: string): Promise<RefreshResult> {
    let release: ReleaseLock | null = null;
    if (store?.acquireLock !== undefined) {
      release = await store.acquireLock(`refresh:${current.record.userId}`, opts.timeoutMs * opts.attempts + 5_000);
      // Another instance is refreshing; the current token is still valid, so keep serving it.
      if (release === null) return { status: 'kept', session: current };
    }
    try {
      if (store === undefined) return await refreshNow(current, key);
      // Under the lock, read past any cache: another instance may have refreshed since this request read the token.
      const stored = await store.get(current.record.userId, { consistent: true });
      const latest = stored === null ? undefined : unsealStored(stored);
      if (latest === undefined) return { status: 'revoked' };
      if (!isDue(latest.record, now())) return { status: 'current', session: latest };
      return await refreshNow(latest, key);
    } finally {
      await release?.();
    }
  }

  /** Asks Meta for a new token for `latest` and persists it; classifies a failure as transient or final. */
  async function refreshNow(latest: Session, key: string): Promise<RefreshResult> {
    try {
      const { accessToken, expiresIn } = await refreshLongLivedToken(client, latest.record.accessToken);
      const at = now();
      const record: TokenRecord = { ...latest.record, accessToken, issuedAt: at, expiresAt: at + expiresIn * 1000 };
      const next = session(record);
      if (store !== undefined) await store.set(toStored(record));
      backoffUntil.delete(key);
      await runHook(() => hooks.onTokenRefreshed?.(next.token, latest.token));
      return { status: 'refreshed', session: next };
    } catch (error) {
      if (isThreadsAuthError(error) && error.code === 'token_expired') {
        await forget(latest.record.userId, 'refresh_rejected');
        return { status: 'revoked', error };
      }
      backoffUntil.set(key, now() + TRANSIENT_BACKOFF_MS);
      report(error);
      return { status: 'kept', session: latest, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  // ---- the request path -------------------------------------------------------------------------

  /** What a session cookie designates (a session in cookie mode, a user id in store mode), or `undefined` if forged. */
  function designated(value: string): Session | string | undefined {
    let cached = cookieCache.get(value);
    if (cached !== undefined) return cached;
    const unsealed = sessionSealer.unseal(value);
    if (store === undefined && isRecord(unsealed)) cached = session(unsealed);
    else if (store !== undefined && typeof (unsealed as { u?: unknown } | undefined)?.u === 'string') cached = (unsealed as { u: string }).u;
    else return undefined;
    cookieCache.set(value, cached);
    return cached;
  }

  /** The session's outcome when it needs no I/O; `undefined` when the store must be read or a refresh is due. */
  function settle(value: string, current: Session | undefined): PassOutcome | undefined {
    const at = now();
    if (current === undefined || current.record.expiresAt <= at) {
      cookieCache.delete(value);
      return SIGNED_OUT;
    }
    return isDue(current.record, at) ? undefined : current.pass;
  }

  /** The hot path: a logged-in request whose token is known in memory and not due resolves without a promise. */
  function resolveSessionSync(request: ThreadsAuthRequest): PassOutcome | undefined {
    const value = readCookie(request.headers['cookie'], sessionKey);
    if (value === undefined) return ANONYMOUS;
    const target = designated(value);
    if (target === undefined) return SIGNED_OUT;
    if (typeof target !== 'string') return settle(value, target);
    const stored = store!.peek?.(target);
    if (stored === undefined) return undefined;
    return settle(value, stored === null ? undefined : unsealStored(stored));
  }

  async function resolveSession(request: ThreadsAuthRequest): Promise<PassOutcome> {
    const value = readCookie(request.headers['cookie'], sessionKey);
    if (value === undefined) return ANONYMOUS;
    const target = designated(value);
    if (target === undefined) return SIGNED_OUT;
    let current: Session | undefined = typeof target === 'string' ? undefined : target;
    if (typeof target === 'string') {
      const stored = await store!.get(target);
      current = stored === null ? undefined : unsealStored(stored);
    }
    const settled = settle(value, current);
    if (settled !== undefined) return settled;

    const result = await refresh(current!);
    switch (result.status) {
      case 'revoked':
        cookieCache.delete(value);
        return SIGNED_OUT;
      case 'refreshed':
        // Cookie mode: the new token travels in a re-sealed cookie. Store mode: the reference is unchanged.
        return store === undefined ? { type: 'pass', token: result.session.token, cookies: [await persist(result.session.record)] } : result.session.pass;
      default:
        return result.session.pass;
    }
  }

  // ---- the routes -------------------------------------------------------------------------------

  const failure = (error: ThreadsAuthError, cookies: readonly SetCookie[]): RedirectOutcome | ErrorOutcome => {
    if (error.status >= 500) report(error);
    if (opts.failureRedirect !== undefined) {
      const location = withErrorParameter(opts.failureRedirect, error.code);
      return { type: 'redirect', status: 302, location, headers: { location, 'cache-control': NO_STORE }, cookies, error };
    }
    return errorOutcome(error, cookies);
  };
  const redirect = (status: 302 | 303, location: string, cookies: readonly SetCookie[]): RedirectOutcome => ({
    type: 'redirect',
    status,
    location,
    headers: { location, 'cache-control': NO_STORE },
    cookies,
  });
  const respond = (status: number, contentType: string, body: string, extra: OutcomeHeaders = {}): RespondOutcome => ({
    type: 'respond',
    status,
    headers: { 'content-type': contentType, 'cache-control': NO_STORE, ...extra },
    body,
    cookies: NO_COOKIES,
  });
  const methodNotAllowed = (allow: string) => respond(405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow });

  async function login(query: URLSearchParams): Promise<Outcome> {
    const state = base64url(opts.randomBytes(32));
    const verifier = opts.pkce ? base64url(opts.randomBytes(32)) : undefined;
    const returnTo = sameSiteTarget(query.get('returnTo'), opts.origin);
    const url = buildAuthorizationUrl(client, {
      state,
      ...(verifier === undefined ? {} : { codeChallenge: await calculatePKCECodeChallenge(verifier) }),
    });
    const pending: PendingLogin = { s: state, e: now() + STATE_TTL_MS, ...(verifier ? { v: verifier } : {}), ...(returnTo ? { r: returnTo } : {}) };
    const cookie = setCookie(names.state, stateSealer.seal(pending), STATE_TTL_MS / 1000, opts.secureCookies);
    return redirect(302, url.href, [cookie]);
  }

  /** True the first time a state is presented; false for a replay (per process, and across instances with a store). */
  async function consumeState(state: string, expiresAt: number): Promise<boolean> {
    const key = createHash('sha256').update(state).digest('base64url');
    const at = now();
    const seen = usedStates.get(key);
    if (seen !== undefined && seen > at) return false;
    usedStates.set(key, expiresAt);
    if (store?.consumeOnce !== undefined) return store.consumeOnce(`state:${key}`, Math.max(1, expiresAt - at));
    return true;
  }

  async function callback(request: ThreadsAuthRequest, query: URLSearchParams): Promise<Outcome> {
    const cleared = [clearState];
    const error = query.get('error');
    if (error !== null) {
      // Meta's cancel redirect: error=access_denied&error_reason=user_denied (the docs misspell it "acceess_denied").
      const denied = /denied/.test(error) || query.get('error_reason') === 'user_denied';
      return failure(new ThreadsAuthError(denied ? 'access_denied' : 'authorization_failed', { step: 'authorize' }), cleared);
    }
    const sealed = readCookie(request.headers['cookie'], names.state);
    const pending = sealed === undefined ? undefined : (stateSealer.unseal(sealed) as PendingLogin | undefined);
    const at = now();
    if (pending === undefined || typeof pending.s !== 'string' || typeof pending.e !== 'number' || pending.e <= at) {
      return failure(new ThreadsAuthError('invalid_state', { step: 'authorize', message: 'callback without a valid pending-login cookie' }), cleared);
    }
    const state = query.get('state');
    if (state === null || !sameSecret(state, pending.s)) {
      return failure(new ThreadsAuthError('invalid_state', { step: 'authorize', message: 'callback state does not match the pending login' }), cleared);
    }
    const code = query.get('code');
    if (code === null || code === '' || code.length > 2048) {
      return failure(new ThreadsAuthError('invalid_request', { step: 'authorize', message: 'callback without a code' }), cleared);
    }
    if (!(await consumeState(pending.s, pending.e))) {
      return failure(new ThreadsAuthError('invalid_state', { step: 'authorize', message: 'callback state was already used' }), cleared);
    }
    try {
      const short = await exchangeCode(client, query, { expectedState: pending.s, ...(pending.v ? { codeVerifier: pending.v } : {}) });
      // The introspection needs only the short-lived token, so it runs beside the long-lived exchange:
      // two upstream round trips on the critical path, not three.
      const [long, info] = await Promise.all([exchangeForLongLivedToken(client, short.accessToken), introspectToken(client, short.accessToken)]);
      if (!info.isValid) {
        throw new ThreadsAuthError('introspection_failed', { step: 'introspection', meta: info.error, message: 'introspection: Threads says the new token is not valid' });
      }
      if (info.userId !== undefined && info.userId !== short.userId) {
        throw new ThreadsAuthError('invalid_upstream_response', { step: 'introspection', message: 'introspection: the token belongs to another user than the code exchange said' });
      }
      const issuedAt = now();
      const record: TokenRecord = { accessToken: long.accessToken, userId: short.userId, scopes: info.scopes, issuedAt, expiresAt: issuedAt + long.expiresIn * 1000 };
      const cookie = await persist(record);
      const token = toThreadsToken(record);
      await runHook(() => hooks.onLogin?.(token));
      return redirect(302, pending.r ?? opts.successRedirect, [clearState, cookie]);
    } catch (caught) {
      if (isThreadsAuthError(caught)) return failure(caught, cleared);
      throw caught;
    }
  }

  function sameSiteRequest(request: ThreadsAuthRequest): boolean {
    const site = header(request.headers, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'same-site' && site !== 'none') return false;
    const origin = header(request.headers, 'origin');
    return origin === undefined || origin === opts.origin;
  }

  async function readForm(request: ThreadsAuthRequest): Promise<Readonly<Record<string, unknown>> | ThreadsAuthError> {
    const body = request.body === undefined ? request.parsedBody : await readRequestBody(request.body, request.parsedBody);
    if (body === undefined || body === null) return {};
    if (typeof body !== 'string') return typeof body === 'object' ? (body as Readonly<Record<string, unknown>>) : {};
    if (body.length > FORM_BODY_LIMIT) return new ThreadsAuthError('payload_too_large');
    return Object.fromEntries(new URLSearchParams(body));
  }

  async function metaCallback(request: ThreadsAuthRequest, kind: 'deauthorize' | 'delete'): Promise<Outcome> {
    const form = await readForm(request);
    if (form instanceof ThreadsAuthError) return failure(form, NO_COOKIES);
    let userId: string;
    try {
      userId = verifySignedRequest(form['signed_request'], opts.clientSecret).userId;
    } catch (error) {
      if (isThreadsAuthError(error)) return failure(error, NO_COOKIES);
      throw error;
    }
    await forget(userId, kind === 'deauthorize' ? 'deauthorized' : 'data_deletion');
    if (kind === 'deauthorize') return respond(200, 'application/json', '{"success":true}');
    const code = createConfirmationCode(opts.secrets[0]!, opts.randomBytes(8));
    const url = `${opts.origin}${basePath}/deletion-status?code=${code}`;
    return respond(200, 'application/json', JSON.stringify({ url, confirmation_code: code }));
  }

  function deletionStatus(query: URLSearchParams): Outcome {
    const code = query.get('code');
    if (!verifyConfirmationCode(code, opts.secrets)) {
      return respond(404, 'text/html; charset=utf-8', statusPage('Unknown confirmation code', 'No data-deletion request with this confirmation code was received by this app.'));
    }
    return respond(200, 'text/html; charset=utf-8', statusPage('Data deleted', `Deletion request ${code} is complete: the Threads tokens this app held for you have been deleted.`));
  }

  /** The route under `basePath` that `url`'s path names, or `undefined` for an app route. */
  function routeOf(url: string): string | undefined {
    const q = url.indexOf('?');
    const pathLength = q === -1 ? url.length : q;
    if (pathLength <= basePath.length || !url.startsWith(basePath) || url.charCodeAt(basePath.length) !== 47) return undefined;
    const route = url.slice(basePath.length + 1, pathLength);
    return AUTH_ROUTES.has(route) ? route : undefined;
  }

  function handleSync(request: ThreadsAuthRequest): Outcome | undefined {
    return routeOf(request.url) === undefined ? resolveSessionSync(request) : undefined;
  }

  async function handle(request: ThreadsAuthRequest): Promise<Outcome> {
    const url = request.url;
    const route = routeOf(url);
    if (route === undefined) return resolveSessionSync(request) ?? resolveSession(request);
    const method = request.method;
    const q = url.indexOf('?');
    const query = () => new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    switch (route) {
      case 'login':
        return method === 'GET' || method === 'HEAD' ? login(query()) : methodNotAllowed('GET');
      case 'callback':
        return method === 'GET' || method === 'HEAD' ? callback(request, query()) : methodNotAllowed('GET');
      case 'logout':
        if (method !== 'POST') return methodNotAllowed('POST');
        if (!sameSiteRequest(request)) return failure(new ThreadsAuthError('forbidden_origin'), NO_COOKIES);
        return redirect(303, opts.successRedirect, [clearSession]);
      case 'deauthorize':
      case 'delete':
        return method === 'POST' ? metaCallback(request, route) : methodNotAllowed('POST');
      default:
        return method === 'GET' || method === 'HEAD' ? deletionStatus(query()) : methodNotAllowed('GET');
    }
  }

  // ---- outside requests ---------------------------------------------------------------------------

  async function getToken(userId: string): Promise<ThreadsToken | null> {
    const stored = await requireStore('getToken').get(userId);
    const current = stored === null ? undefined : unsealStored(stored);
    if (current === undefined || current.record.expiresAt <= now()) return null;
    if (!isDue(current.record, now())) return current.token;
    const result = await refresh(current);
    return result.status === 'revoked' ? null : result.session.token;
  }

  async function refreshDue(input: { readonly limit?: number } = {}): Promise<RefreshDueResult> {
    const s = requireStore('refreshDue');
    const limit = input.limit ?? 100;
    const refreshed: ThreadsToken[] = [];
    const revoked: string[] = [];
    const failed: { userId: string; error: ThreadsAuthError | Error }[] = [];
    const seen = new Set<string>();
    for (;;) {
      const at = now();
      const batch = (await s.listDue({ issuedBefore: at - MIN_REFRESH_AGE_MS, expiresBefore: at + opts.refreshWindow, expiresAfter: at, limit })).filter(
        (t) => !seen.has(t.userId),
      );
      if (batch.length === 0) break;
      for (const stored of batch) {
        seen.add(stored.userId);
        const current = unsealStored(stored);
        if (current === undefined) {
          failed.push({ userId: stored.userId, error: new Error('stored token could not be unsealed (was `secret` changed?)') });
          continue;
        }
        // A job must not wait out the request path's backoff: ask Meta again.
        backoffUntil.delete(`u:${stored.userId}`);
        const result = await refresh(current);
        if (result.status === 'refreshed') refreshed.push(result.session.token);
        else if (result.status === 'revoked') revoked.push(stored.userId);
        else if (result.status === 'kept') failed.push({ userId: stored.userId, error: result.error ?? new Error('another instance holds the refresh lock') });
      }
    }
    return Object.freeze({ refreshed, revoked, failed });
  }

  const instance: ThreadsAuth = {
    basePath,
    client,
    hasStore: store !== undefined,
    handle,
    handleSync,
    getToken,
    refreshDue,
    revoke: (userId) => forget(userId, 'revoked'),
    inspect: (accessToken) => introspectToken(client, accessToken),
    getAppToken() {
      appToken ??= fetchAppToken(client).catch((error: unknown) => {
        appToken = undefined;
        throw error;
      });
      return appToken;
    },
    [BRAND]: true,
  };
  return Object.freeze(instance);
}

function statusPage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${text}</p></body></html>`;
}

/**
 * The answer to give for `error`: its HTTP status and its safe message as text, never a secret.
 * What adapters send for `requireThreadsToken` / `ThreadsAuthGuard` refusals and failed logins.
 */
export function errorOutcome(error: ThreadsAuthError, cookies: readonly SetCookie[] = NO_COOKIES): ErrorOutcome {
  return {
    type: 'error',
    status: error.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_STORE },
    body: error.safeMessage,
    error,
    cookies,
  };
}

/**
 * Checks a request's token against a requirement: resolves `undefined` when it passes, else the error to
 * answer with (`unauthenticated`, 401, without a token; `insufficient_scope`, 403, without every scope).
 * What `requireThreadsToken` and `ThreadsAuthGuard` use.
 */
export function checkThreadsToken(token: ThreadsToken | undefined, scopes: readonly string[] = []): ThreadsAuthError | undefined {
  if (token === undefined) return new ThreadsAuthError('unauthenticated');
  for (const scope of scopes) {
    if (!token.scopes.includes(scope)) return new ThreadsAuthError('insufficient_scope', { message: `the token lacks the ${scope} permission` });
  }
  return undefined;
}
