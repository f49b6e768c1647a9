import * as oidc from 'openid-client';
import { internals, type ThreadsClient } from './client.js';

/** Input of {@link buildAuthorizationUrl}. */
export interface AuthorizationRequest {
  /** An unguessable value of at least 128 bits, echoed back on the callback; check it there. */
  readonly state: string;
  /** Permissions to request; default the client's `scopes` (which always include `threads_basic`). */
  readonly scopes?: readonly string[];
  /** A PKCE S256 challenge. Threads does not document PKCE; send one only if you know it is honoured. */
  readonly codeChallenge?: string;
}

/**
 * The URL of Threads' authorization window for this request: `client_id`, `redirect_uri`, comma-joined
 * `scope`, `response_type=code` and `state`. Redirect the browser there; Threads then redirects to your
 * `redirectUri` with `?code=…&state=…`, which {@link exchangeCode} takes.
 *
 * @see https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
 */
export function buildAuthorizationUrl(client: ThreadsClient, request: AuthorizationRequest): URL {
  const { options, oidc: configuration } = internals(client);
  const parameters: Record<string, string> = {
    redirect_uri: options.redirectUri.href,
    response_type: 'code',
    scope: (request.scopes ?? options.scopes).join(','),
    state: request.state,
  };
  if (request.codeChallenge !== undefined) {
    parameters['code_challenge'] = request.codeChallenge;
    parameters['code_challenge_method'] = 'S256';
  }
  return oidc.buildAuthorizationUrl(configuration, parameters);
}
