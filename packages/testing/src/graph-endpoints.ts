/**
 * The Graph endpoints an auth flow touches: `GET /v1.0/debug_token` (introspection, called with an app
 * token) and `GET /v1.0/me` (the signed-in profile).
 *
 * @see https://developers.facebook.com/documentation/threads/troubleshooting/debug-access-token
 * @see https://developers.facebook.com/documentation/threads/threads-profiles
 * @module
 */

import {
  deauthorizedFields,
  expiredTokenFields,
  type GraphErrorFields,
  graphError,
  invalidTokenFields,
  unsupportedRequest,
} from './meta-errors.js';
import { type FakeResponse, json } from './responses.js';
import type { EndpointContext, EndpointRequest } from './routes.js';
import type { TokenGrant } from './token-ledger.js';

/** How long a user's data-access grant lasts, counted here from the token's issue. */
const DATA_ACCESS_MS = 90 * 24 * 60 * 60 * 1000;

/** The profile fields Threads documents for `/me`; anything else is a Graph `100` error. */
const PROFILE_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'username',
  'name',
  'threads_profile_picture_url',
  'threads_biography',
  'is_verified',
  'recently_searched_keywords',
]);

/** The caller's token: `access_token` in the query or form, or an `Authorization: Bearer` header, as Graph accepts. */
function callerToken(req: EndpointRequest): string | undefined {
  const fromParams = req.query['access_token'] ?? req.form['access_token'];
  if (fromParams !== undefined) return fromParams;
  const match = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '');
  return match?.[1];
}

function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function isAppCaller(ctx: EndpointContext, token: string | undefined): boolean {
  if (token === undefined) return false;
  if (token === `TH|${ctx.options.clientId}|${ctx.options.clientSecret}`) return true;
  const status = ctx.ledger.inspect(token);
  return status.state === 'valid' && status.grant.kind === 'app';
}

function invalidInput(fields: GraphErrorFields, grant: TokenGrant | undefined, ctx: EndpointContext): FakeResponse {
  const error: Record<string, unknown> = { code: fields.code, message: fields.message };
  if (fields.subcode !== undefined) error['subcode'] = fields.subcode;
  if (grant === undefined || grant.kind === 'app') {
    return json(200, { data: { error, is_valid: false, scopes: [] } });
  }
  return json(200, {
    data: {
      type: 'USER',
      application: ctx.options.appName,
      data_access_expires_at: unixSeconds(grant.issuedAt + DATA_ACCESS_MS),
      error,
      expires_at: unixSeconds(grant.expiresAt),
      is_valid: false,
      issued_at: unixSeconds(grant.issuedAt),
      scopes: [],
      user_id: grant.userId,
    },
  });
}

/**
 * `GET /v1.0/debug_token?input_token=…&access_token=TH|<app id>|<app secret>` (or an app token from
 * client_credentials): what the input token is. Unknown, expired or revoked input tokens answer 200 with
 * `is_valid: false` and an `error`, as Graph does; a caller that is not an app token gets Graph `190`.
 */
export function debugToken(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  if (!isAppCaller(ctx, callerToken(req))) return graphError(invalidTokenFields());
  const input = req.query['input_token'];
  if (input === undefined || input === '') {
    return graphError({ message: '(#100) The parameter input_token is required', type: 'OAuthException', code: 100 });
  }
  if (input === `TH|${ctx.options.clientId}|${ctx.options.clientSecret}`) {
    // [inferred] The docs say only that `type` tells app tokens from user tokens.
    return json(200, { data: { type: 'APP', application: ctx.options.appName, is_valid: true, scopes: [] } });
  }
  const status = ctx.ledger.inspect(input);
  const now = ctx.options.now();
  switch (status.state) {
    case 'unknown':
      return invalidInput(invalidTokenFields(), undefined, ctx);
    case 'revoked':
      return invalidInput(deauthorizedFields(ctx.options.clientId), status.grant, ctx);
    case 'expired':
      return invalidInput(expiredTokenFields(status.grant.expiresAt, now), status.grant, ctx);
    case 'valid': {
      const { grant } = status;
      if (grant.kind === 'app') {
        return json(200, { data: { type: 'APP', application: ctx.options.appName, is_valid: true, scopes: [] } });
      }
      return json(200, {
        data: {
          type: 'USER',
          application: ctx.options.appName,
          data_access_expires_at: unixSeconds(grant.issuedAt + DATA_ACCESS_MS),
          expires_at: unixSeconds(grant.expiresAt),
          is_valid: true,
          issued_at: unixSeconds(grant.issuedAt),
          scopes: grant.scopes,
          user_id: grant.userId,
        },
      });
    }
  }
}

/**
 * `GET /v1.0/me?fields=id,username,name` (or `/v1.0/<own user id>`): the token owner's profile, with the
 * requested fields the user has plus `id`, always a string.
 */
export function me(ctx: EndpointContext, req: EndpointRequest): FakeResponse {
  const status = ctx.ledger.inspect(callerToken(req) ?? '');
  if (status.state === 'unknown') return graphError(invalidTokenFields());
  if (status.state === 'revoked') return graphError(deauthorizedFields(ctx.options.clientId));
  if (status.state === 'expired') return graphError(expiredTokenFields(status.grant.expiresAt, ctx.options.now()));
  const { grant } = status;
  if (grant.kind === 'app') {
    return graphError({
      message: 'An active access token must be used to query information about the current user.',
      type: 'OAuthException',
      code: 2500,
    });
  }
  const objectId = req.path.split('/').filter((segment) => segment !== '').pop();
  if (objectId !== 'me' && objectId !== grant.userId) return unsupportedRequest(req.method, req.path);
  const user = ctx.options.users.find((candidate) => candidate.id === grant.userId);
  if (user === undefined) return graphError(invalidTokenFields());
  const fields = (req.query['fields'] ?? 'id').split(',').map((field) => field.trim()).filter((field) => field !== '');
  const unknown = fields.find((field) => !PROFILE_FIELDS.has(field));
  if (unknown !== undefined) {
    // [inferred] Graph's usual answer for a field the node type lacks.
    return graphError({
      message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (User)`,
      type: 'OAuthException',
      code: 100,
    });
  }
  const known: Record<string, string | undefined> = { id: user.id, username: user.username, name: user.name };
  const profile: Record<string, string> = {};
  for (const field of fields) {
    const value = known[field];
    if (value !== undefined) profile[field] = value;
  }
  // Graph always includes the id, after the requested fields.
  profile['id'] = user.id;
  return json(200, profile);
}
