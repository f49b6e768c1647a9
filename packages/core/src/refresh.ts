import { internals, type ThreadsClient } from './client.js';
import { readLongLivedToken, type LongLivedToken } from './exchange.js';
import { ENDPOINTS, endpointUrl } from './threads.js';
import { callThreads } from './upstream.js';

/**
 * Refreshes a long-lived token: `GET /refresh_access_token?grant_type=th_refresh_token`. The token must be at
 * least 24 hours old and not expired; the response is a new token valid 60 days from now, which must be
 * persisted in place of the old one.
 *
 * @throws {ThreadsAuthError} `token_expired` when Meta says the token is dead (code 190/102: expired,
 *   app removed, password changed; the user must sign in again), `refresh_failed` for other Meta
 *   refusals (`rate_limited`, `permission_missing` where Meta's code says so), `invalid_upstream_response`, `upstream_error`, `upstream_unavailable`, `upstream_timeout`.
 * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 */
export async function refreshLongLivedToken(client: ThreadsClient, longLivedToken: string): Promise<LongLivedToken> {
  const { options, upstream } = internals(client);
  const endpoint = ENDPOINTS.refresh;
  // A dead token (190/102) is `token_expired` by META_ERROR_MAPPINGS, in callThreads.
  return readLongLivedToken(await callThreads(upstream, endpoint, endpointUrl(endpoint, options.graphUrl, options, longLivedToken)), 'refresh');
}
