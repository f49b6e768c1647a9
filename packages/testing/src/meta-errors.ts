/**
 * Meta's three error-body shapes, byte for byte, and the messages the fake puts in them.
 *
 * 1. Authorization window (a Meta-hosted JSON page, no redirect back): `{"error_message","error_code"}`.
 * 2. OAuth token endpoint `/oauth/access_token`: `{"error_type","code","error_message"}`.
 * 3. Graph style (everything else): `{"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}`.
 *
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @see https://developers.facebook.com/docs/graph-api/guides/error-handling
 * @module
 */

import { randomBytes } from 'node:crypto';
import { type FakeResponse, json, jsonText } from './responses.js';

/** The fields of a Graph-style error, in the order Meta writes them. */
export interface GraphErrorFields {
  message: string;
  type?: string;
  code: number;
  subcode?: number;
  isTransient?: boolean;
}

/** A fresh `fbtrace_id`: Meta's opaque request id, `A` followed by 22 base64url characters. */
export function fbtraceId(): string {
  return `A${randomBytes(17).toString('base64url').slice(0, 22)}`;
}

/** The body of a Graph-style error, e.g. `{"error":{"message":"…","type":"OAuthException","code":190,…}}`. */
export function graphErrorBody(fields: GraphErrorFields): string {
  const error: Record<string, unknown> = {
    message: fields.message,
    type: fields.type ?? 'OAuthException',
    code: fields.code,
  };
  if (fields.subcode !== undefined) error['error_subcode'] = fields.subcode;
  if (fields.isTransient !== undefined) error['is_transient'] = fields.isTransient;
  error['fbtrace_id'] = fbtraceId();
  return JSON.stringify({ error });
}

/** A Graph-style error answer; Meta uses HTTP 400 for nearly all of them. */
export function graphError(fields: GraphErrorFields, status = 400): FakeResponse {
  return jsonText(status, graphErrorBody(fields));
}

/** The body of a flat token-endpoint error, e.g. `{"error_type":"OAuthException","code":400,"error_message":"…"}`. */
export function flatErrorBody(fields: { type?: string; code: number; message: string }): string {
  return JSON.stringify({ error_type: fields.type ?? 'OAuthException', code: fields.code, error_message: fields.message });
}

/** A flat token-endpoint error answer, HTTP 400 as Meta sends it. */
export function flatError(code: number, message: string, status = 400): FakeResponse {
  return jsonText(status, flatErrorBody({ code, message }));
}

/** A Meta-hosted authorization-window error page: `{"error_message","error_code"}` with HTTP 400, no redirect. */
export function authorizeError(errorCode: number, message: string): FakeResponse {
  return json(400, { error_message: message, error_code: errorCode });
}

/** The authorization-window errors the fake reproduces, with the codes seen in the wild. */
export const AUTHORIZE_ERRORS = {
  // The reports quote only the start of this message; the fake stops where they do.
  unknownApp: { code: 1349026, message: 'No application data was given.' },
  redirectBlocked: {
    code: 1349168,
    message:
      'URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app’s Client OAuth Settings.',
  },
  notTester: { code: 1349245, message: 'Invalid Request: The user has not accepted the invite to test the app' },
  // [inferred] Meta's exact code and text for a bad response_type or scope are not documented; the shape is.
  badResponseType: { code: 1349187, message: 'Invalid Request: response_type must be code.' },
  missingBasicScope: { code: 1349187, message: 'Invalid Scopes: threads_basic is required.' },
  unknownScope: { code: 1349187, message: 'Invalid Scopes: {scopes}. This message is only shown to developers.' },
  unknownError: { code: 1, message: 'An unknown error has occurred.' },
} as const;

/** The token-endpoint messages Meta sends in its flat error shape. */
export const TOKEN_ERRORS = {
  codeNotFound: { code: 400, message: 'Matching code was not found or was already used' },
  redirectMismatch: {
    code: 100,
    message:
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
  },
  badClientSecret: { code: 101, message: 'Error validating client secret.' },
  // [inferred] Meta's text for a missing or unknown grant_type at /oauth/access_token is not documented.
  unsupportedGrantType: { code: 100, message: 'Unsupported grant_type.' },
} as const;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as Meta writes it in `Session has expired on …` messages, e.g. `Tuesday, 12-Nov-24 02:00:00 UTC`. */
export function metaSessionTime(ms: number): string {
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]}, ${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${two(date.getUTCFullYear() % 100)} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC`
  );
}

/** Graph `190` with no subcode: the token is not one Meta issued. */
export function invalidTokenFields(): GraphErrorFields {
  return { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 };
}

/** Graph `190`/`463`: the token has expired. */
export function expiredTokenFields(expiredAt: number, now: number): GraphErrorFields {
  return {
    message: `Error validating access token: Session has expired on ${metaSessionTime(expiredAt)}. The current time is ${metaSessionTime(now)}.`,
    type: 'OAuthException',
    code: 190,
    subcode: 463,
  };
}

/** Graph `190`/`458`: the user removed the app (deauthorized it). */
export function deauthorizedFields(clientId: string): GraphErrorFields {
  return {
    message: `Error validating access token: The user has not authorized application ${clientId}.`,
    type: 'OAuthException',
    code: 190,
    subcode: 458,
  };
}

/** Graph `100`/`33` for any path the fake does not serve, as Graph answers an unknown object or edge. */
export function unsupportedRequest(method: string, path: string): FakeResponse {
  const objectId = path.split('/').filter((segment) => segment !== '' && !/^v\d+\.\d+$/.test(segment))[0] ?? '';
  return graphError({
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, ` +
      'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
  });
}
