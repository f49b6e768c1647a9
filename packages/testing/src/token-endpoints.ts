/**
 * The token endpoints: code exchange and client_credentials at `/oauth/access_token`, the long-lived
 * exchange at `/access_token`, and refresh at `/refresh_access_token`, each with Meta's success body and
 * Meta's error shape for that endpoint.
 *
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 * @see https://developers.facebook.com/documentation/threads/get-started/app-access-tokens
 * @module
 */

import {
  deauthorizedFields,
  expiredTokenFields,
  flatError,
  graphError,
  invalidTokenFields,
  TOKEN_ERRORS,
} from './meta-errors.js';
import { type FakeResponse, json, jsonText } from './responses.js';
import type { EndpointContext, EndpointRequest } from './routes.js';
import type { TokenGrant } from './token-ledger.js';

/** Meta only refreshes a long-lived token at least this old. */
const MIN_REFRESH_AGE_MS = 24 * 60 * 60 * 1000;

/** Parameters of `/oauth/access_token`, which clients send in a form body or in the query string. */
function tokenParams(req: EndpointRequest): Record<string, string> {
  return { ...req.query, ...req.form };
}

function badClientSecret(): FakeResponse {
  return flatError(TOKEN_ERRORS.badClientSecret.code, TOKEN_ERRORS.badClientSecret.message);
}

/**
 * `POST /oauth/access_token` with `grant_type=authorization_code`: a short-lived token.
 *
 * Answers `{"access_token":"TH…","user_id":17841405793187219}` with `user_id` a bare number literal, as
 * Meta does; no `token_type`, no `expires_in`.
 */
export function codeExchange(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const params = tokenParams(req);
  const { options, ledger } = ctx;
  if (params['grant_type'] !== 'authorization_code') {
    return flatError(TOKEN_ERRORS.unsupportedGrantType.code, TOKEN_ERRORS.unsupportedGrantType.message);
  }
  if (params['client_id'] !== options.clientId || params['client_secret'] !== options.clientSecret) {
    return badClientSecret();
  }
  const grant = ledger.findCode(params['code'] ?? '');
  if (grant === undefined || grant.clientId !== params['client_id']) {
    return flatError(TOKEN_ERRORS.codeNotFound.code, TOKEN_ERRORS.codeNotFound.message);
  }
  // [inferred] A mismatched redirect_uri leaves the code usable; Meta's behaviour here is undocumented.
  if (params['redirect_uri'] !== grant.redirectUri) {
    return flatError(TOKEN_ERRORS.redirectMismatch.code, TOKEN_ERRORS.redirectMismatch.message);
  }
  ledger.consumeCode(grant);
  const token = ledger.issueUserToken('short-lived', {
    userId: grant.userId,
    scopes: grant.scopes,
    issuedAt: options.now(),
    ttlSeconds: options.shortLivedTtlSeconds,
  });
  // Written as text: the id exceeds 2^53, and Meta sends it as a number all the same.
  return jsonText(200, `{"access_token":${JSON.stringify(token.token)},"user_id":${grant.userId}}`);
}

/** `GET /oauth/access_token?grant_type=client_credentials`: an app token `{"access_token":"TH|<id>|…","token_type":"bearer"}`. */
export function appToken(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const params = tokenParams(req);
  if (params['client_id'] !== ctx.options.clientId || params['client_secret'] !== ctx.options.clientSecret) {
    return badClientSecret();
  }
  return json(200, { access_token: ctx.ledger.issueAppToken(ctx.options.clientId).token, token_type: 'bearer' });
}

/** The grant behind `token` when it is a valid token of `kind`; otherwise the Graph-style error Meta answers with. */
function checkUserToken(
  ctx: EndpointContext,
  token: string,
  kind: TokenGrant['kind'],
): { response: FakeResponse } | { grant: TokenGrant } {
  const status = ctx.ledger.inspect(token);
  // [inferred] A token of the wrong kind (say a long-lived token sent to th_exchange_token) is treated as invalid.
  if (status.state === 'unknown' || status.grant.kind !== kind) return { response: graphError(invalidTokenFields()) };
  if (status.state === 'revoked') return { response: graphError(deauthorizedFields(ctx.options.clientId)) };
  if (status.state === 'expired') {
    return { response: graphError(expiredTokenFields(status.grant.expiresAt, ctx.options.now())) };
  }
  return { grant: status.grant };
}

function longLivedBody(ctx: EndpointContext, grant: TokenGrant): FakeResponse {
  const token = ctx.ledger.issueUserToken('long-lived', {
    userId: grant.userId ?? '',
    scopes: grant.scopes,
    issuedAt: ctx.options.now(),
    ttlSeconds: ctx.options.longLivedTtlSeconds,
  });
  return json(200, {
    access_token: token.token,
    token_type: 'bearer',
    expires_in: Math.floor(ctx.options.longLivedTtlSeconds),
  });
}

function unsupportedGrantType(): FakeResponse {
  // [inferred] Meta's answer to a wrong grant_type here is undocumented; Graph's parameter error is the closest.
  return graphError({ message: '(#100) Unsupported grant_type', type: 'OAuthException', code: 100 });
}

/**
 * `GET /access_token?grant_type=th_exchange_token`: a long-lived token for an unexpired short-lived one.
 * Answers `{"access_token","token_type":"bearer","expires_in"}`, without `user_id`.
 */
export function longLivedExchange(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const params = tokenParams(req);
  if (params['grant_type'] !== 'th_exchange_token') return unsupportedGrantType();
  if (params['client_secret'] !== ctx.options.clientSecret) {
    return graphError({ message: TOKEN_ERRORS.badClientSecret.message, type: 'OAuthException', code: 101 });
  }
  const checked = checkUserToken(ctx, params['access_token'] ?? '', 'short-lived');
  return 'response' in checked ? checked.response : longLivedBody(ctx, checked.grant);
}

/**
 * `GET /refresh_access_token?grant_type=th_refresh_token`: a new long-lived token, valid for the full
 * lifetime from now, for a long-lived token that is unexpired and at least 24 hours old. The old token
 * stays valid until its own expiry.
 */
export function refresh(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const params = tokenParams(req);
  if (params['grant_type'] !== 'th_refresh_token') return unsupportedGrantType();
  const checked = checkUserToken(ctx, params['access_token'] ?? '', 'long-lived');
  if ('response' in checked) return checked.response;
  if (ctx.options.now() - checked.grant.issuedAt < MIN_REFRESH_AGE_MS) {
    // [inferred] Meta documents the 24-hour rule but not the error it answers with; this is Graph's parameter error.
    return graphError({
      message: '(#100) The access token can only be refreshed after it is at least 24 hours old.',
      type: 'OAuthException',
      code: 100,
    });
  }
  return longLivedBody(ctx, checked.grant);
}
