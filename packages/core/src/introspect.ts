import { internals, type ThreadsClient } from './client.js';
import { ThreadsAuthError, type MetaErrorDetails } from './errors.js';
import { ENDPOINTS, endpointUrl } from './threads.js';
import { parseMetaError } from './threads-errors.js';
import { callThreads } from './upstream.js';

/** What Threads' `debug_token` says about a token. */
export interface TokenIntrospection {
  /** `USER` for user tokens, `APP` for app tokens. */
  readonly type: string | undefined;
  /** The app's name. */
  readonly application: string | undefined;
  readonly isValid: boolean;
  /** The Threads user id, exact, as a string. */
  readonly userId: string | undefined;
  /** The permissions the user actually granted. */
  readonly scopes: readonly string[];
  readonly issuedAt: Date | undefined;
  /** Undefined when the token does not expire. */
  readonly expiresAt: Date | undefined;
  /** When the app's access to the user's data ends (about 90 days, extended by refresh). */
  readonly dataAccessExpiresAt: Date | undefined;
  /** Why the token is invalid, when it is. */
  readonly error: MetaErrorDetails | undefined;
}

function unixDate(value: unknown): Date | undefined {
  return typeof value === 'number' && value > 0 ? new Date(value * 1000) : undefined;
}

/**
 * Inspects a token with `GET /v1.0/debug_token`, called with the app token `TH|<app id>|<app secret>` (a
 * user-token caller is refused for apps in development mode).
 *
 * @throws {ThreadsAuthError} `introspection_failed`, `invalid_upstream_response`, `upstream_error`,
 *   `upstream_unavailable`, `upstream_timeout`.
 * @see https://developers.facebook.com/documentation/threads/troubleshooting/debug-access-token
 */
export async function introspectToken(client: ThreadsClient, token: string): Promise<TokenIntrospection> {
  const { options, upstream } = internals(client);
  const endpoint = ENDPOINTS.debugToken;
  const json = await callThreads(upstream, endpoint, endpointUrl(endpoint, options.graphUrl, options, token));
  const data = json['data'];
  if (typeof data !== 'object' || data === null) {
    throw new ThreadsAuthError('invalid_upstream_response', { step: 'introspection', message: 'introspection: the response has no data object' });
  }
  const d = data as Record<string, unknown>;
  const scopes = Array.isArray(d['scopes']) ? d['scopes'].filter((s): s is string => typeof s === 'string') : [];
  return Object.freeze({
    type: typeof d['type'] === 'string' ? d['type'] : undefined,
    application: typeof d['application'] === 'string' ? d['application'] : undefined,
    isValid: d['is_valid'] === true,
    userId: typeof d['user_id'] === 'string' && d['user_id'] !== '' ? d['user_id'] : undefined,
    scopes: Object.freeze(scopes),
    issuedAt: unixDate(d['issued_at']),
    expiresAt: unixDate(d['expires_at']),
    dataAccessExpiresAt: unixDate(d['data_access_expires_at']),
    // The fourth error shape (endpoint.errors === 'data.error'): Meta's reason sits inside `data`, as `subcode`.
    error: typeof d['error'] === 'object' && d['error'] !== null ? parseMetaError({ error: d['error'] }, 200) : undefined,
  });
}

/**
 * Fetches an app access token (`grant_type=client_credentials`), `TH|<app id>|<token>`.
 *
 * @throws {ThreadsAuthError} `app_token_failed`, `invalid_upstream_response`, `upstream_error`,
 *   `upstream_unavailable`, `upstream_timeout`.
 * @see https://developers.facebook.com/documentation/threads/get-started/app-access-tokens
 */
export async function fetchAppToken(client: ThreadsClient): Promise<string> {
  const { options, upstream } = internals(client);
  const endpoint = ENDPOINTS.appToken;
  const json = await callThreads(upstream, endpoint, endpointUrl(endpoint, options.graphUrl, options));
  const token = json['access_token'];
  if (typeof token !== 'string' || token === '') {
    throw new ThreadsAuthError('invalid_upstream_response', { step: 'app_token', message: 'app token: the response lacks access_token' });
  }
  return token;
}
