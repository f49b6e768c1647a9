/**
 * The options the protocol steps need (`ThreadsClientOptions`, what `createThreadsClient` takes), validated:
 * the app's credentials, `redirectUri`, the permissions, the authorization and Graph hosts, the timeout,
 * retries, `fetch` and PKCE. `resolveOptions` validates these first, then the rest.
 *
 * @module
 */
import { CLIENT_OPTION_KEYS, Problems, asRecord, checkKeys, closest, httpUrl, isLoopback, optionalFunction, positiveInteger, requireString, scopeList } from './option-checks.js';
import type { ThreadsClientOptions } from './options.js';
import { BASIC_SCOPE, DEFAULT_AUTHORIZATION_URL, DEFAULT_GRAPH_URL, OUTDATED_AUTHORIZATION_HOSTS, THREADS_SCOPES } from './threads.js';
import type { FetchLike } from './upstream.js';

/** {@link ThreadsClientOptions} after validation and defaults. */
export interface ResolvedClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: URL;
  readonly scopes: readonly string[];
  readonly authorizationUrl: URL;
  readonly graphUrl: string;
  readonly timeoutMs: number;
  readonly pkce: boolean;
  readonly fetch: FetchLike;
  readonly attempts: number;
  readonly retryDelayMs: number;
}

/** Validates the protocol options into `problems`; `undefined` when a required one is bad. */
export function collectClientOptions(raw: Record<string, unknown>, problems: Problems): ResolvedClientOptions | undefined {
  const clientId = requireString(raw, 'clientId', 'your Threads App ID (App Dashboard → App settings → Basic → Threads App ID).', problems);
  const clientSecret = requireString(raw, 'clientSecret', 'your Threads App secret (App Dashboard → App settings → Basic).', problems);
  const redirectInput = requireString(raw, 'redirectUri', 'the callback URL registered in the App Dashboard, e.g. https://example.com/auth/threads/callback.', problems);
  const redirectUri = redirectInput === undefined ? undefined : httpUrl('redirectUri', redirectInput, problems);
  if (redirectUri?.protocol === 'http:' && !isLoopback(redirectUri.hostname)) {
    problems.add(
      'redirectUri',
      `is plain http on "${redirectUri.hostname}", which is not loopback: the session cookies would go out without Secure. Use https (Meta requires it), or http://127.0.0.1:<port> / http://localhost:<port> in development.`,
    );
  }

  const unlisted = scopeList('unlistedScopes', raw['unlistedScopes'], problems);
  const requested = scopeList('scopes', raw['scopes'], problems);
  const known: readonly string[] = THREADS_SCOPES;
  for (const scope of requested) {
    if (known.includes(scope) || unlisted.includes(scope)) continue;
    const suggestion = closest(scope, known);
    problems.add(
      'scopes',
      `has an unknown permission "${scope}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}. Known permissions: ${known.join(', ')}. For a permission Meta added after this release, list it in \`unlistedScopes\`.`,
    );
  }
  const scopes = [...new Set([BASIC_SCOPE, ...requested, ...unlisted])];

  const authorizationUrl = httpUrl('authorizationUrl', raw['authorizationUrl'] ?? DEFAULT_AUTHORIZATION_URL, problems);
  if (authorizationUrl !== undefined && OUTDATED_AUTHORIZATION_HOSTS.has(authorizationUrl.hostname)) {
    problems.add(
      'authorizationUrl',
      `is on ${authorizationUrl.hostname}, which answers 301 to threads.com and for some users drops the OAuth parameters on the way (they land on the Threads home page). Use "${DEFAULT_AUTHORIZATION_URL}" (the default): leave the option out.`,
    );
  }
  const graph = httpUrl('graphUrl', raw['graphUrl'] ?? DEFAULT_GRAPH_URL, problems);
  if (graph !== undefined && (graph.pathname !== '/' || graph.search !== '')) {
    problems.add('graphUrl', `must be an origin without a path or version, e.g. "${DEFAULT_GRAPH_URL}".`);
  }

  const retryInput = raw['retry'] ?? {};
  const retry = typeof retryInput === 'object' && retryInput !== null ? (retryInput as Record<string, unknown>) : (problems.add('retry', 'must be an object such as { attempts: 3, delayMs: 200 }.') ?? {});
  checkKeys(retry, { attempts: true, delayMs: true }, problems, 'retry.');
  const fetchFn = optionalFunction<FetchLike>('fetch', raw['fetch'], problems) ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') problems.add('fetch', 'is required: this runtime has no global fetch.');

  const pkce = raw['pkce'] ?? false;
  if (typeof pkce !== 'boolean') problems.add('pkce', 'must be a boolean.');

  const timeoutMs = positiveInteger('timeoutMs', raw['timeoutMs'], 10_000, 120_000, problems);
  const attempts = positiveInteger('retry.attempts', retry['attempts'], 3, 3, problems);
  const retryDelayMs = retry['delayMs'] === 0 ? 0 : positiveInteger('retry.delayMs', retry['delayMs'], 200, 10_000, problems);
  if (clientId === undefined || clientSecret === undefined || redirectUri === undefined || authorizationUrl === undefined || graph === undefined) return undefined;
  return {
    clientId,
    clientSecret,
    redirectUri,
    scopes: Object.freeze(scopes),
    authorizationUrl,
    graphUrl: graph.origin,
    timeoutMs,
    pkce: pkce === true,
    fetch: fetchFn,
    attempts,
    retryDelayMs,
  };
}

/** Validates the protocol options. @throws {ThreadsAuthOptionError} listing every bad option. */
export function resolveClientOptions(options: ThreadsClientOptions): ResolvedClientOptions {
  const raw = asRecord(options);
  const problems = new Problems();
  checkKeys(raw, CLIENT_OPTION_KEYS, problems);
  const client = collectClientOptions(raw, problems);
  problems.throwIfAny();
  return client!;
}
