import type * as Oidc from 'openid-client';
import { findThreadsAuthError, internals, type ThreadsClient } from './client.js';
import { ThreadsAuthError } from './errors.js';
import { ENDPOINTS, endpointUrl } from './threads.js';
import { callThreads } from './upstream.js';

/** A short-lived (one hour) user token, from {@link exchangeCode}. */
export interface ShortLivedToken {
  readonly accessToken: string;
  /** The Threads user id, exact, as a string (Meta sends it as a number beyond 2^53). */
  readonly userId: string;
}

/** A long-lived token, from {@link exchangeForLongLivedToken} or `refreshLongLivedToken`. */
export interface LongLivedToken {
  readonly accessToken: string;
  /** Seconds until it expires (about 60 days). */
  readonly expiresIn: number;
}

/** Checks of {@link exchangeCode}. */
export interface CodeExchangeChecks {
  /** The `state` sent to the authorization window. */
  readonly expectedState: string;
  /** The PKCE verifier, when a challenge was sent. */
  readonly codeVerifier?: string;
}

/**
 * Exchanges the authorization code in `callbackQuery` (the query string Threads redirected to your
 * `redirectUri` with) for a short-lived token: checks `state` and error parameters, then POSTs the code to
 * `/oauth/access_token` through openid-client. Call {@link exchangeForLongLivedToken} next.
 *
 * @throws {ThreadsAuthError} `invalid_state`, `access_denied`, `authorization_failed`, `invalid_request`,
 *   `code_exchange_failed` (Meta refused the code), `invalid_upstream_response`, `upstream_error`,
 *   `upstream_unavailable`, `upstream_timeout`.
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 */
export async function exchangeCode(client: ThreadsClient, callbackQuery: URLSearchParams | string, checks: CodeExchangeChecks): Promise<ShortLivedToken> {
  const { options, oidc } = internals(client);
  const { lib, configuration } = await oidc();
  const currentUrl = new URL(options.redirectUri.href);
  currentUrl.search = new URLSearchParams(callbackQuery).toString();
  let tokens: Oidc.TokenEndpointResponse;
  try {
    tokens = await lib.authorizationCodeGrant(configuration, currentUrl, {
      expectedState: checks.expectedState,
      pkceCodeVerifier: checks.codeVerifier,
    });
  } catch (error) {
    const known = findThreadsAuthError(error);
    if (known !== undefined) throw known;
    if (error instanceof lib.AuthorizationResponseError) {
      throw new ThreadsAuthError(error.error === 'access_denied' ? 'access_denied' : 'authorization_failed', { step: 'authorize' });
    }
    const code = (error as { code?: unknown }).code;
    const detail = error instanceof Error && error.cause instanceof Error ? error.cause.message : String((error as Error).message);
    if (code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(detail)) {
      throw new ThreadsAuthError('invalid_state', { step: 'authorize' });
    }
    if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_PARSE_ERROR') {
      throw new ThreadsAuthError('invalid_request', { step: 'authorize', message: `callback rejected by openid-client: ${detail}` });
    }
    throw new ThreadsAuthError('invalid_upstream_response', { step: 'code_exchange', message: `code exchange: ${(error as Error).message}` });
  }
  const userId = (tokens as Record<string, unknown>)['user_id'];
  if (typeof tokens.access_token !== 'string' || tokens.access_token === '' || typeof userId !== 'string' || !/^\d+$/.test(userId)) {
    throw new ThreadsAuthError('invalid_upstream_response', { step: 'code_exchange', message: 'code exchange: the response lacks access_token or a numeric user_id' });
  }
  return { accessToken: tokens.access_token, userId };
}

/** Reads `{access_token, expires_in}` from a long-lived exchange or refresh response. @internal */
export function readLongLivedToken(json: Record<string, unknown>, step: 'long_lived_exchange' | 'refresh'): LongLivedToken {
  const accessToken = json['access_token'];
  const expiresIn = json['expires_in'];
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new ThreadsAuthError('invalid_upstream_response', { step, message: `${step}: the response lacks access_token or a positive expires_in` });
  }
  return { accessToken, expiresIn };
}

/**
 * Exchanges a short-lived token for a long-lived (60-day) one: `GET /access_token?grant_type=th_exchange_token`.
 * The short-lived token must not have expired. A failure here must fail the login: a one-hour token cannot be
 * refreshed.
 *
 * @throws {ThreadsAuthError} `long_lived_exchange_failed`, `invalid_upstream_response`, `upstream_error`,
 *   `upstream_unavailable`, `upstream_timeout`.
 * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 */
export async function exchangeForLongLivedToken(client: ThreadsClient, shortLivedToken: string): Promise<LongLivedToken> {
  const { options, upstream } = internals(client);
  const endpoint = ENDPOINTS.longLivedExchange;
  const json = await callThreads(upstream, endpoint, endpointUrl(endpoint, options.graphUrl, options, shortLivedToken));
  return readLongLivedToken(json, 'long_lived_exchange');
}
