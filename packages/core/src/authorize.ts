import { internals, type ThreadsClient } from './client.js';
import { sha256 } from './crypto.js';
import { joinScopes } from './threads.js';

/** Input of {@link buildAuthorizationUrl}. */
export interface AuthorizationRequest {
  /** An unguessable value of at least 128 bits, echoed back on the callback; check it there. */
  readonly state: string;
  /** Permissions to request; default the client's `scopes` (which always include `threads_basic`). */
  readonly scopes?: readonly string[];
  /** A PKCE S256 challenge ({@link pkceChallenge}). Threads does not document PKCE; send one only if you know it is honoured. */
  readonly codeChallenge?: string;
}

/** The S256 PKCE challenge of `verifier`: base64url(SHA-256(verifier)) (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return sha256(verifier);
}

/**
 * The URL of Threads' authorization window for this request: `client_id`, `redirect_uri`, comma-joined
 * `scope`, `response_type=code` and `state`. Redirect the browser there; Threads then redirects to your
 * `redirectUri` with `?code=…&state=…`, which {@link exchangeCode} takes. Synchronous, and built without
 * openid-client, so that a login costs no module load.
 *
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 */
export function buildAuthorizationUrl(client: ThreadsClient, request: AuthorizationRequest): URL {
  const { options } = internals(client);
  const url = new URL(options.authorizationUrl.href);
  const q = url.searchParams;
  q.set('client_id', options.clientId);
  q.set('redirect_uri', options.redirectUri.href);
  q.set('response_type', 'code');
  q.set('scope', joinScopes(request.scopes ?? options.scopes));
  q.set('state', request.state);
  if (request.codeChallenge !== undefined) {
    q.set('code_challenge', request.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  return url;
}
