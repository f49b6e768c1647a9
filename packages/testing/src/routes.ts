/**
 * Which endpoint a request is for. One table maps method and path (plus `grant_type` where Meta shares a
 * path between grants) to the endpoint's name and handler.
 *
 * @module
 */

import { authorize, consent } from './authorize-endpoints.js';
import { CONSENT_PATH } from './consent-page.js';
import { debugToken, me } from './graph-endpoints.js';
import type { ResolvedOptions } from './options.js';
import type { FakeResponse } from './responses.js';
import { appToken, codeExchange, longLivedExchange, refresh } from './token-endpoints.js';
import type { TokenLedger } from './token-ledger.js';

/** The endpoints the fake serves, by the name calls are recorded and failures injected under. */
export type FakeEndpoint =
  | 'authorize'
  | 'consent'
  | 'code_exchange'
  | 'app_token'
  | 'long_lived_exchange'
  | 'refresh'
  | 'debug_token'
  | 'me';

/** Every {@link FakeEndpoint}. */
export const FAKE_ENDPOINTS: readonly FakeEndpoint[] = Object.freeze([
  'authorize',
  'consent',
  'code_exchange',
  'app_token',
  'long_lived_exchange',
  'refresh',
  'debug_token',
  'me',
]);

/** A request as the endpoint handlers see it: plain data, already parsed. */
export interface EndpointRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/v1.0/me`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Fields of a urlencoded or multipart body; empty for other bodies. */
  readonly form: Readonly<Record<string, string>>;
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined;
}

/** What every handler works with: the resolved options and the ledger of issued codes and tokens. */
export interface EndpointContext {
  readonly options: ResolvedOptions;
  readonly ledger: TokenLedger;
}

/** A matched route: the endpoint's name and its handler. */
export interface Route {
  readonly endpoint: FakeEndpoint;
  readonly handle: (ctx: EndpointContext, req: EndpointRequest) => FakeResponse;
}

function graphPath(path: string): string {
  // graph.threads.net serves the unversioned paths and `v1.0`; Meta's sample sends either.
  return path.startsWith('/v1.0/') ? path.slice('/v1.0'.length) : path;
}

/** The route for `req`, or `undefined` when the fake does not serve it (Graph answers "Unsupported … request"). */
export function matchRoute(req: Pick<EndpointRequest, 'method' | 'path' | 'query' | 'form'>): Route | undefined {
  const { method } = req;
  const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
  if (path === '/oauth/authorize') return method === 'GET' ? { endpoint: 'authorize', handle: authorize } : undefined;
  if (path === CONSENT_PATH) return method === 'POST' ? { endpoint: 'consent', handle: consent } : undefined;
  if (method !== 'GET' && method !== 'POST') return undefined;
  switch (graphPath(path)) {
    case '/oauth/access_token': {
      const grantType = req.form['grant_type'] ?? req.query['grant_type'];
      return grantType === 'client_credentials'
        ? { endpoint: 'app_token', handle: appToken }
        : { endpoint: 'code_exchange', handle: codeExchange };
    }
    case '/access_token':
      return { endpoint: 'long_lived_exchange', handle: longLivedExchange };
    case '/refresh_access_token':
      return { endpoint: 'refresh', handle: refresh };
    case '/debug_token':
      return method === 'GET' ? { endpoint: 'debug_token', handle: debugToken } : undefined;
    case '/me':
      return method === 'GET' ? { endpoint: 'me', handle: me } : undefined;
    default:
      return method === 'GET' && /^\/[0-9]+$/.test(graphPath(path)) ? { endpoint: 'me', handle: me } : undefined;
  }
}
