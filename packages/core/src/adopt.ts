/**
 * Adopting a token obtained elsewhere — the App Dashboard's User Token Generator, an older script's `.env`,
 * an app migrating from hand-written OAuth code — so that threads-auth keeps it alive like one it signed in:
 * debug_token → (short-lived? th_exchange_token) → persist through the lifecycle.
 *
 * @see https://developers.facebook.com/documentation/threads/troubleshooting/debug-access-token
 * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 * @module
 */
import type { AuthContext } from './context.js';
import { ThreadsAuthError } from './errors.js';
import { exchangeForLongLivedToken } from './exchange.js';
import { introspectToken } from './introspect.js';
import type { Lifecycle } from './lifecycle.js';
import { MIN_REFRESH_AGE_MS } from './threads.js';
import { toThreadsToken, type ThreadsToken, type TokenRecord } from './token.js';

/** What {@link ThreadsAuth.adoptToken} takes. */
export interface AdoptTokenInput {
  /** A Threads user access token, short-lived (one hour) or long-lived (60 days). Never logged. */
  readonly accessToken: string;
  /**
   * The Threads user id you believe the token belongs to. When given, a token of anyone else is refused
   * (`invalid_upstream_response`) and nothing is stored.
   */
  readonly userId?: string;
}

/** What {@link ThreadsAuth.adoptToken} resolves. */
export interface AdoptedToken {
  /** The token as stored: the long-lived one (after an exchange, the new one). */
  readonly token: ThreadsToken;
  /** True when the input was short-lived and was exchanged for a long-lived token. */
  readonly exchanged: boolean;
}

/** Adopts tokens into the instance's store. */
export type AdoptToken = (input: AdoptTokenInput) => Promise<AdoptedToken>;

/**
 * Builds `adoptToken` for one instance.
 *
 * A token is judged short-lived by its *lifetime*, `expires_at − issued_at` from debug_token, being under
 * the 24 hours a long-lived token must reach before Meta refreshes it (a short-lived token lives one hour,
 * a long-lived one 60 days). Its remaining life would misjudge a long-lived token in its last day as
 * short-lived, and exchanging a long-lived token fails ("Session key invalid", as operators of the
 * dashboard's token generator report). Without `issued_at`, the remaining life is the fallback.
 */
export function createAdoptToken(ctx: AuthContext, lifecycle: Lifecycle): AdoptToken {
  const { client, now } = ctx;
  return async function adoptToken(input) {
    ctx.requireStore('adoptToken');
    const accessToken = input?.accessToken;
    if (typeof accessToken !== 'string' || accessToken.trim() === '' || accessToken !== accessToken.trim()) {
      throw new ThreadsAuthError('invalid_request', { message: 'adoptToken: accessToken must be a non-empty string without surrounding whitespace' });
    }
    const info = await introspectToken(client, accessToken);
    if (!info.isValid) {
      throw new ThreadsAuthError('token_expired', { step: 'introspection', meta: info.error, message: 'adoptToken: Threads says the token is not valid (expired or revoked): sign in again' });
    }
    if (info.type !== undefined && info.type !== 'USER') {
      throw new ThreadsAuthError('invalid_request', { step: 'introspection', message: `adoptToken: this is a ${info.type} token, not a user token` });
    }
    if (info.userId === undefined || info.expiresAt === undefined) {
      throw new ThreadsAuthError('invalid_upstream_response', { step: 'introspection', message: 'adoptToken: debug_token did not say whose token this is or when it expires' });
    }
    if (input.userId !== undefined && input.userId !== info.userId) {
      throw new ThreadsAuthError('invalid_upstream_response', { step: 'introspection', message: 'adoptToken: the token belongs to another user than the one given' });
    }
    const at = now();
    const expiresAt = info.expiresAt.getTime();
    const lifetime = info.issuedAt === undefined ? expiresAt - at : expiresAt - info.issuedAt.getTime();
    let record: TokenRecord;
    if (lifetime < MIN_REFRESH_AGE_MS) {
      const long = await exchangeForLongLivedToken(client, accessToken);
      record = { accessToken: long.accessToken, userId: info.userId, scopes: info.scopes, issuedAt: at, expiresAt: at + long.expiresIn * 1000 };
    } else {
      // Meta's issue time, not ours: an adopted token that is already a day old may be refreshed at once.
      record = { accessToken, userId: info.userId, scopes: info.scopes, issuedAt: info.issuedAt?.getTime() ?? at, expiresAt };
    }
    await lifecycle.save(record);
    return Object.freeze({ token: toThreadsToken(record), exchanged: record.accessToken !== accessToken });
  };
}
