/**
 * Everything Threads-specific lives here: hosts, paths, the API version, the three error-body shapes,
 * which Meta codes are transient or mean "this token is dead", and lossless parsing of user ids.
 * Nothing else in threads-auth knows Meta's quirks.
 *
 * Sources: ../shared/reference/threads-oauth.md, sections 1–7 and 11.
 *
 * @module
 */
import type { MetaErrorDetails } from './errors.js';

/**
 * The authorization window. The current docs name `threads.com`; `threads.net` answers 301 to it, and that
 * cross-domain hop drops the OAuth parameters for some users (postiz-app PR #1819).
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 */
export const DEFAULT_AUTHORIZATION_URL = 'https://www.threads.com/oauth/authorize';

/** The Graph origin, without a version. `graph.threads.com` is an equivalent alias. */
export const DEFAULT_GRAPH_URL = 'https://graph.threads.net';

/** Resource endpoints are versioned; the token endpoints are documented unversioned. */
export const GRAPH_API_VERSION = 'v1.0';

/** Paths on the Graph origin. */
export const GRAPH_PATHS = Object.freeze({
  /** POST, `grant_type=authorization_code`; GET, `grant_type=client_credentials`. */
  token: '/oauth/access_token',
  /** GET, `grant_type=th_exchange_token`. */
  longLivedExchange: '/access_token',
  /** GET, `grant_type=th_refresh_token`. */
  refresh: '/refresh_access_token',
  /** GET, called with the app token. */
  debugToken: `/${GRAPH_API_VERSION}/debug_token`,
});

/** Required by every Threads endpoint; always requested. */
export const BASIC_SCOPE = 'threads_basic';

/** Threads refuses to refresh a long-lived token younger than this. */
export const MIN_REFRESH_AGE_MS = 24 * 60 * 60 * 1000;

/** The app access token that `debug_token` accepts without a network call: `TH|<app id>|<app secret>`. */
export function appAccessToken(clientId: string, clientSecret: string): string {
  return `TH|${clientId}|${clientSecret}`;
}

/** Meta codes that mean "try again later" (Graph error-handling guide): unknown, service, throttling. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341]);
/** Meta codes that mean the access token is dead: expired, revoked, app removed, password changed. */
const INVALID_TOKEN_CODES = new Set([190, 102]);

/** True when Meta marked the failure as transient, or used a code that means "retry later". */
export function isTransientMetaError(meta: MetaErrorDetails): boolean {
  return meta.isTransient === true || (meta.code !== undefined && TRANSIENT_CODES.has(meta.code));
}

/** True when Meta says the token itself is no longer valid (code 190 or 102): the user must sign in again. */
export function isInvalidTokenMetaError(meta: MetaErrorDetails): boolean {
  return meta.code !== undefined && INVALID_TOKEN_CODES.has(meta.code);
}

/**
 * Keys whose integer values are Threads ids. The code exchange sends `user_id` as a JSON number that can
 * exceed 2^53 (fbsamples/threads_api #9), so these integers are quoted before `JSON.parse` sees them.
 */
const ID_INTEGER = /([{,]\s*"(?:user_id|id|app_id)"\s*:\s*)(-?\d+)(?=\s*[,}])/g;

/**
 * Parses a JSON body from Meta without ever losing an id: integer `user_id`, `id` and `app_id` values are
 * read as exact decimal strings. Returns `undefined` when the text is not a JSON object.
 */
export function parseThreadsJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.replace(ID_INTEGER, '$1"$2"'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const TOKEN_LIKE = /\bTH[A-Za-z0-9_\-|.]{12,}|\b\d{5,}\|[A-Za-z0-9_-]{8,}/g;

/** Replaces anything that looks like a Threads token in `text`. */
export function redactText(text: string): string {
  return text.replace(TOKEN_LIKE, '[redacted]');
}

const SECRET_PARAMS = ['client_secret', 'access_token', 'input_token', 'code', 'refresh_token', 'signed_request'];

/**
 * The URL with every secret-bearing query value replaced by `[redacted]`. Threads puts `client_secret` and
 * tokens in GET query strings, so every URL that reaches a message or a log goes through here.
 */
export function redactUrl(url: string | URL): string {
  const parsed = new URL(String(url));
  for (const name of SECRET_PARAMS) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, 'redacted');
  }
  return parsed.toString();
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Reads Meta's error details from any of the three shapes Threads uses, or `undefined` when `body` is not
 * a Meta error:
 * 1. Graph: `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}`
 * 2. OAuth token endpoint (flat): `{"error_type","code","error_message"}`
 * 3. Authorization window (flat): `{"error_message","error_code"}`
 */
export function parseMetaError(body: Record<string, unknown> | undefined, httpStatus: number): MetaErrorDetails | undefined {
  if (body === undefined) return undefined;
  const nested = body['error'];
  if (typeof nested === 'object' && nested !== null) {
    const e = nested as Record<string, unknown>;
    const message = asString(e['message']) ?? asString(e['error_user_msg']);
    return {
      type: asString(e['type']),
      code: asNumber(e['code']),
      subcode: asNumber(e['error_subcode']),
      fbtraceId: asString(e['fbtrace_id']),
      isTransient: typeof e['is_transient'] === 'boolean' ? e['is_transient'] : undefined,
      message: message === undefined ? undefined : redactText(message),
      httpStatus,
    };
  }
  const message = asString(body['error_message']) ?? asString(body['error_description']) ?? asString(body['error']);
  const code = asNumber(body['code']) ?? asNumber(body['error_code']);
  if (message === undefined && code === undefined) return undefined;
  return {
    type: asString(body['error_type']),
    code,
    subcode: asNumber(body['error_subcode']),
    fbtraceId: asString(body['fbtrace_id']),
    message: message === undefined ? undefined : redactText(message),
    httpStatus,
  };
}
