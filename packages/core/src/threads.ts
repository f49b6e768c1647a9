/**
 * Threads facts as data, in two files. This one: hosts, paths, the API version, each endpoint once, the
 * permissions, the app token, lossless parsing of user ids and redaction of secrets. `threads-errors.ts`:
 * Meta's error shapes, which Meta codes are transient, rate limits or mean "this token is dead", and what each
 * means as a threads-auth code. Nothing outside these two files knows Meta's quirks.
 *
 * Sources: ../shared/reference/threads-oauth.md, sections 1–7 and 11.
 *
 * @module
 */
import type { ThreadsAuthErrorCode } from './error-codes.js';
import type { ThreadsStep } from './errors.js';

/**
 * The authorization window. The current docs name `threads.com`; `threads.net` answers 301 to it, and that
 * cross-domain hop drops the OAuth parameters for some users (postiz-app PR #1819).
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 */
export const DEFAULT_AUTHORIZATION_URL = 'https://www.threads.com/oauth/authorize';

/**
 * Hosts of the old authorization window, refused as `authorizationUrl`: they answer 301 to threads.com and that
 * cross-domain hop drops the OAuth parameters for some users (threads-oauth.md §1, gotcha 4; postiz-app PR #1819) [code].
 */
export const OUTDATED_AUTHORIZATION_HOSTS: ReadonlySet<string> = new Set(['threads.net', 'www.threads.net']);

/** The Graph origin, without a version. `graph.threads.com` is an equivalent alias. */
export const DEFAULT_GRAPH_URL = 'https://graph.threads.net';

/** Resource endpoints are versioned; the token endpoints are documented unversioned. */
export const GRAPH_API_VERSION = 'v1.0';

/** Where an endpoint takes the app's credentials. */
export type CredentialPlacement =
  /** `client_id` and `client_secret` in the form body (the code exchange; openid-client's `ClientSecretPost`). */
  | 'body'
  /** `client_id` and `client_secret` in the query string (client_credentials is GET-only). */
  | 'query'
  /** `client_secret` alone in the query string (the long-lived exchange). */
  | 'secret-query'
  /** The app token `TH|<app id>|<app secret>` as `access_token` (debug_token). */
  | 'app-token'
  /** None: the user's token is the only credential (refresh). */
  | 'none';

/** One Threads endpoint, described once; the step functions read these instead of knowing Meta's quirks. */
export interface ThreadsEndpoint {
  readonly step: ThreadsStep;
  /** Path on the Graph origin. Token endpoints are unversioned; resource endpoints carry `v1.0`. */
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** The `grant_type` the endpoint needs, if any. */
  readonly grantType?: string;
  readonly credentials: CredentialPlacement;
  /** The query parameter that carries the user's token, if any. */
  readonly tokenParameter?: 'access_token' | 'input_token';
  /** The error code a (non-transient) Meta refusal becomes. */
  readonly failure: ThreadsAuthErrorCode;
  /**
   * Where Meta's error details are: `body` (a flat `{error_type, code, error_message}` or a Graph
   * `{error:{…}}` body on a non-2xx status), or `data.error` inside a 200 (debug_token of an invalid token:
   * `{"data":{"is_valid":false,"error":{"code":190,"subcode":463,"message":"…"}}}`, a fourth shape).
   */
  readonly errors: 'body' | 'data.error';
}

/** The five Threads endpoints threads-auth calls. Sources: threads-oauth.md sections 2–6. */
export const ENDPOINTS = Object.freeze({
  /** Authorization code → short-lived token. POST, credentials in the body (DOC-AUTH). */
  codeExchange: { step: 'code_exchange', path: '/oauth/access_token', method: 'POST', grantType: 'authorization_code', credentials: 'body', failure: 'code_exchange_failed', errors: 'body' },
  /** The app access token. GET only (threads-go `GetAppAccessToken`), so the secret is in the URL: redact it. */
  appToken: { step: 'app_token', path: '/oauth/access_token', method: 'GET', grantType: 'client_credentials', credentials: 'query', failure: 'app_token_failed', errors: 'body' },
  /** Short-lived → long-lived (60 days). GET with the secret in the query (DOC-LL). */
  longLivedExchange: { step: 'long_lived_exchange', path: '/access_token', method: 'GET', grantType: 'th_exchange_token', credentials: 'secret-query', tokenParameter: 'access_token', failure: 'long_lived_exchange_failed', errors: 'body' },
  /** Long-lived → a new long-lived token; no app credentials at all (DOC-LL). */
  refresh: { step: 'refresh', path: '/refresh_access_token', method: 'GET', grantType: 'th_refresh_token', credentials: 'none', tokenParameter: 'access_token', failure: 'refresh_failed', errors: 'body' },
  /** Token introspection, called with the app token (a user-token caller is refused in development mode, code 100). */
  debugToken: { step: 'introspection', path: `/${GRAPH_API_VERSION}/debug_token`, method: 'GET', credentials: 'app-token', tokenParameter: 'input_token', failure: 'introspection_failed', errors: 'data.error' },
} as const satisfies Record<string, ThreadsEndpoint>);

/** The app's credentials, as the endpoints take them. */
export interface AppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The URL of a GET `endpoint` on `graphUrl`, with its `grant_type`, the app's credentials where the endpoint
 * takes them, and `token` in its token parameter. Carries secrets: only ever log it through {@link redactUrl}.
 */
export function endpointUrl(endpoint: ThreadsEndpoint, graphUrl: string, app: AppCredentials, token?: string): URL {
  const url = new URL(endpoint.path, graphUrl);
  const q = url.searchParams;
  if (endpoint.grantType !== undefined) q.set('grant_type', endpoint.grantType);
  switch (endpoint.credentials) {
    case 'query':
      q.set('client_id', app.clientId);
      q.set('client_secret', app.clientSecret);
      break;
    case 'secret-query':
      q.set('client_secret', app.clientSecret);
      break;
    case 'app-token':
      q.set('access_token', appAccessToken(app.clientId, app.clientSecret));
      break;
    case 'body':
    case 'none':
      break;
  }
  if (endpoint.tokenParameter !== undefined && token !== undefined) q.set(endpoint.tokenParameter, token);
  return url;
}

/** Threads joins requested permissions with commas (not spaces, as RFC 6749 says). */
export function joinScopes(scopes: readonly string[]): string {
  return scopes.join(',');
}

/** Required by every Threads endpoint; always requested. */
export const BASIC_SCOPE = 'threads_basic';

/**
 * Every permission the Threads authorization window is known to accept (threads-oauth.md §1 "Scopes", [doc]:
 * DOC-GS, DOC-PERMMAP; threads-2026-notes.md "Scopes"). `scopes` is checked against this list; Meta adds
 * permissions without notice, so one added after this release goes in `unlistedScopes`.
 */
export const THREADS_SCOPES = Object.freeze([
  'threads_basic',
  'threads_content_publish',
  'threads_read_replies',
  'threads_manage_replies',
  'threads_manage_insights',
  'threads_manage_mentions',
  'threads_keyword_search',
  'threads_location_tagging',
  'threads_delete',
  'threads_profile_discovery',
  'threads_share_to_instagram',
] as const);

/** Threads refuses to refresh a long-lived token younger than this. */
export const MIN_REFRESH_AGE_MS = 24 * 60 * 60 * 1000;

/** The app access token that `debug_token` accepts without a network call: `TH|<app id>|<app secret>`. */
export function appAccessToken(clientId: string, clientSecret: string): string {
  return `TH|${clientId}|${clientSecret}`;
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

/** The credentials of a URL in text (`redis://user:password@host`, `postgres://:pw@…`), as a store's error may quote its connection string. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;

/** Replaces anything that looks like a Threads token in `text`, and the credentials of any URL in it. */
export function redactText(text: string): string {
  return text.replace(TOKEN_LIKE, '[redacted]').replace(URL_CREDENTIALS, '$1[redacted]@');
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
