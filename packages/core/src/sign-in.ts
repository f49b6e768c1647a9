/**
 * Signing in and out, in protocol order: login (state, PKCE, the authorization window) → callback (Meta's
 * cancel, the pending-login cookie, state, the one-time code) → code exchange → long-lived exchange ‖
 * debug_token → persist → session cookie. And logout.
 *
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 * @module
 */
import { buildAuthorizationUrl, pkceChallenge } from './authorize.js';
import { BoundedMap } from './bounded-map.js';
import type { AuthContext } from './context.js';
import { base64url, equalSecrets, sha256 } from './crypto.js';
import { ThreadsAuthError, isThreadsAuthError } from './errors.js';
import { exchangeCode, exchangeForLongLivedToken } from './exchange.js';
import { introspectToken } from './introspect.js';
import type { Lifecycle } from './lifecycle.js';
import { NO_COOKIES, redirect, type Outcome } from './outcome.js';
import { sameSiteTarget } from './redirect.js';
import type { SessionCodec } from './session.js';
import { BASIC_SCOPE } from './threads.js';
import { authorizationError } from './threads-errors.js';
import { toThreadsToken, type TokenRecord } from './token.js';

const STATE_TTL_MS = 10 * 60 * 1000;
/** Pending logins kept per browser (tabs started one after another); the newest win. */
const PENDING_LOGINS = 5;

/** One pending login, inside the sealed pending-login cookie `{p: PendingLogin[]}`. */
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

/** What a request to the logout route brings. */
export interface LogoutRequest {
  /** `Origin`, if sent. */
  readonly origin: string | undefined;
  /** `Sec-Fetch-Site`, if sent. */
  readonly fetchSite: string | undefined;
  /** The session cookie's value, if sent. */
  readonly session: string | undefined;
}

/** Sign-in and sign-out of one instance. */
export interface SignIn {
  /**
   * `GET {basePath}/login[?returnTo=]`: a sealed pending login (kept beside the browser's other pending logins,
   * the newest few), then off to the authorization window. `stateCookie`: the pending-login cookie, if sent.
   */
  login(query: URLSearchParams, stateCookie: string | undefined): Outcome;
  /**
   * The callback route (exactly `redirectUri`'s path): `stateCookie` is the pending-login cookie's value, if the
   * browser sent one. Only the login that finished leaves the cookie; a failed callback leaves the others.
   */
  callback(query: URLSearchParams, stateCookie: string | undefined): Promise<Outcome>;
  /** `POST {basePath}/logout`, refused cross-site: ends the session (store mode: its record too). */
  logout(request: LogoutRequest): Promise<Outcome>;
}

/** Builds sign-in and sign-out. */
export function createSignIn(ctx: AuthContext, sessions: SessionCodec, lifecycle: Lifecycle): SignIn {
  const { opts, client, now, names } = ctx;
  const clearState = ctx.cookie(names.state, '', 0);
  const usedStates = new BoundedMap<string, number>();

  /** The browser's pending logins that have not expired. */
  function pendingLogins(stateCookie: string | undefined, at: number): PendingLogin[] {
    const sealed = stateCookie === undefined ? undefined : (ctx.sealers.state.unseal(stateCookie) as { p?: unknown } | undefined);
    if (!Array.isArray(sealed?.p)) return [];
    return (sealed.p as PendingLogin[]).filter((p) => typeof p?.s === 'string' && typeof p.e === 'number' && p.e > at);
  }

  /** The pending-login cookie holding `logins` (cleared when there are none). */
  function stateCookieFor(logins: readonly PendingLogin[]) {
    return logins.length === 0 ? clearState : ctx.cookie(names.state, ctx.sealers.state.seal({ p: logins }), STATE_TTL_MS / 1000);
  }

  function login(query: URLSearchParams, stateCookie: string | undefined): Outcome {
    const at = now();
    const state = base64url(opts.randomBytes(32));
    const verifier = opts.pkce ? base64url(opts.randomBytes(32)) : undefined;
    const returnTo = sameSiteTarget(query.get('returnTo'), opts.origin);
    const url = buildAuthorizationUrl(client, { state, ...(verifier === undefined ? {} : { codeChallenge: pkceChallenge(verifier) }) });
    const pending: PendingLogin = { s: state, e: at + STATE_TTL_MS, ...(verifier ? { v: verifier } : {}), ...(returnTo ? { r: returnTo } : {}) };
    const kept = pendingLogins(stateCookie, at).slice(-(PENDING_LOGINS - 1));
    return redirect(302, url.href, [stateCookieFor([...kept, pending])]);
  }

  /** True the first time a state is presented; false for a replay (per process, and across instances with a store). */
  async function consumeState(state: string, expiresAt: number): Promise<boolean> {
    const key = sha256(state);
    const at = now();
    const seen = usedStates.get(key);
    if (seen !== undefined && seen > at) return false;
    usedStates.set(key, expiresAt);
    if (ctx.store?.consumeOnce !== undefined) return ctx.store.consumeOnce(`state:${key}`, Math.max(1, expiresAt - at));
    return true;
  }

  async function callback(query: URLSearchParams, stateCookie: string | undefined): Promise<Outcome> {
    // The browser's pending logins, and the one this callback finishes (found by its state, in constant time).
    const logins = pendingLogins(stateCookie, now());
    const state = query.get('state');
    const pending = state === null ? undefined : logins.find((p) => equalSecrets(state, p.s));
    // Only the login that finished leaves the cookie: the user's other tabs may still finish theirs.
    const cleared = pending === undefined ? NO_COOKIES : [stateCookieFor(logins.filter((p) => p !== pending))];
    const fail = (code: 'invalid_state' | 'invalid_request', message: string) => ctx.failure(new ThreadsAuthError(code, { step: 'authorize', message }), cleared);

    // 1. Meta's cancel (or another authorization error) arrives instead of a code.
    const denied = authorizationError(query);
    if (denied !== undefined) return ctx.failure(new ThreadsAuthError(denied, { step: 'authorize' }), cleared);

    // 2. The pending login this browser started, its state, and the one-time code; all before any call to Meta.
    if (logins.length === 0) return fail('invalid_state', 'callback without a valid pending-login cookie');
    if (pending === undefined) return fail('invalid_state', 'callback state does not match a pending login');
    const code = query.get('code');
    if (code === null || code === '' || code.length > 2048) return fail('invalid_request', 'callback without a code');
    if (!(await consumeState(pending.s, pending.e))) return fail('invalid_state', 'callback state was already used');

    try {
      // 3. Code exchange: the short-lived token.
      const short = await exchangeCode(client, query, { expectedState: pending.s, ...(pending.v ? { codeVerifier: pending.v } : {}) });
      // 4. Long-lived exchange ‖ debug_token: the introspection needs only the short-lived token, so it runs
      //    beside the exchange (two upstream round trips on the critical path, not three).
      const [long, info] = await Promise.all([exchangeForLongLivedToken(client, short.accessToken), introspectToken(client, short.accessToken)]);
      if (!info.isValid) {
        throw new ThreadsAuthError('introspection_failed', { step: 'introspection', meta: info.error, message: 'introspection: Threads says the new token is not valid' });
      }
      if (!info.scopes.includes(BASIC_SCOPE)) {
        // [inferred] A token granted before the tester invite was accepted carries no permission (threads-oauth.md gotcha 6).
        throw new ThreadsAuthError('tester_not_accepted', { step: 'introspection', message: 'introspection: the new token carries no threads_basic permission' });
      }
      if (info.userId !== undefined && info.userId !== short.userId) {
        throw new ThreadsAuthError('invalid_upstream_response', { step: 'introspection', message: 'introspection: the token belongs to another user than the code exchange said' });
      }
      // 5. Persist, then the session cookie.
      const issuedAt = now();
      const record: TokenRecord = { accessToken: long.accessToken, userId: short.userId, scopes: info.scopes, issuedAt, expiresAt: issuedAt + long.expiresIn * 1000 };
      await lifecycle.save(record);
      const cookie = await sessions.start(record, issuedAt);
      await ctx.runHook(() => opts.hooks.onLogin?.(toThreadsToken(record)));
      return redirect(302, pending.r ?? opts.successRedirect, [...cleared, cookie]);
    } catch (caught) {
      if (isThreadsAuthError(caught)) return ctx.failure(caught, cleared);
      throw caught;
    }
  }

  async function logout(request: LogoutRequest): Promise<Outcome> {
    const site = request.fetchSite;
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'same-site' && site !== 'none') || (request.origin !== undefined && request.origin !== opts.origin);
    if (crossSite) return ctx.failure(new ThreadsAuthError('forbidden_origin'), NO_COOKIES);
    if (request.session !== undefined) {
      // The browser's copy goes whatever happens; a store that cannot delete the record is reported, and this
      // process refuses the session from now on.
      await sessions.end(request.session).catch((error: unknown) => ctx.report(error));
    }
    return redirect(303, opts.successRedirect, [sessions.clear]);
  }

  return { login, callback, logout };
}
