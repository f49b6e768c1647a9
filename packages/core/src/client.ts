/**
 * The protocol client: validated options, and the openid-client configuration for the standard
 * authorization-code leg with Threads' quirks normalised in its custom-fetch hook. openid-client (and jose
 * under it) is loaded when the first code exchange runs, not at import: serverless users pay start-up on
 * every cold start, and only the login callback needs it.
 *
 * @module
 */
import type * as Oidc from 'openid-client';
import { resolveClientOptions, type ResolvedClientOptions } from './client-options.js';
import { ThreadsAuthError } from './errors.js';
import type { ThreadsClientOptions } from './options.js';
import { ENDPOINTS } from './threads.js';
import { callThreads, type UpstreamConfig } from './upstream.js';

const INTERNAL = Symbol('threads-auth.client');

/**
 * What the step functions (`buildAuthorizationUrl`, `exchangeCode`, …) take: your app's Threads
 * credentials and endpoints, validated once. Create it with {@link createThreadsClient}.
 */
export interface ThreadsClient {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly graphUrl: string;
  /** @internal */
  readonly [INTERNAL]: ClientInternals;
}

/** openid-client, and its configuration for this client. */
export interface OidcEngine {
  readonly lib: typeof Oidc;
  readonly configuration: Oidc.Configuration;
}

interface ClientInternals {
  readonly options: ResolvedClientOptions;
  readonly upstream: UpstreamConfig;
  /** openid-client and its configuration, loaded and built on first use. */
  readonly oidc: () => Promise<OidcEngine>;
}

/** @internal */
export function internals(client: ThreadsClient): ClientInternals {
  return client[INTERNAL];
}

/**
 * Threads' token endpoint sends no `token_type`, sends `user_id` as a JSON number that may exceed 2^53,
 * and answers failures with a flat `{error_type, code, error_message}` body. openid-client speaks
 * RFC 6749, so its fetch goes through here: failures become {@link ThreadsAuthError}s (carried out as the
 * `cause` of openid-client's error), and a success is re-serialised with `user_id` as an exact string.
 */
function tokenEndpointFetch(upstream: UpstreamConfig): Oidc.CustomFetch {
  return async (url, init) => {
    const body = new URLSearchParams(init.body as URLSearchParams | string);
    const json = await callThreads(upstream, ENDPOINTS.codeExchange, new URL(url), body);
    if (json['token_type'] === undefined) json['token_type'] = 'bearer';
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

async function loadOidc(options: ResolvedClientOptions, upstream: UpstreamConfig): Promise<OidcEngine> {
  const lib = await import('openid-client');
  // The code exchange takes the credentials in the form body (ENDPOINTS.codeExchange.credentials === 'body').
  const configuration = new lib.Configuration(
    {
      issuer: options.authorizationUrl.origin,
      authorization_endpoint: options.authorizationUrl.href,
      token_endpoint: `${options.graphUrl}${ENDPOINTS.codeExchange.path}`,
    },
    options.clientId,
    undefined,
    lib.ClientSecretPost(options.clientSecret),
  );
  if (options.authorizationUrl.protocol === 'http:' || options.graphUrl.startsWith('http:')) {
    // Only ever true for a local fake (tests, demos); Meta's hosts are https.
    lib.allowInsecureRequests(configuration);
  }
  configuration[lib.customFetch] = tokenEndpointFetch(upstream);
  // Our own per-attempt timeout governs; openid-client's (seconds) must not cut it short.
  configuration.timeout = Math.ceil(options.timeoutMs / 1000) + 1;
  return { lib, configuration };
}

/** Builds a client from options that are already validated. @internal */
export function clientFromResolved(options: ResolvedClientOptions): ThreadsClient {
  const upstream: UpstreamConfig = {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    attempts: options.attempts,
    retryDelayMs: options.retryDelayMs,
  };
  let engine: Promise<OidcEngine> | undefined;
  const oidc = () => {
    engine ??= loadOidc(options, upstream).catch((error: unknown) => {
      engine = undefined;
      throw error;
    });
    return engine;
  };
  return Object.freeze({
    clientId: options.clientId,
    redirectUri: options.redirectUri.href,
    scopes: options.scopes,
    graphUrl: options.graphUrl,
    [INTERNAL]: Object.freeze({ options, upstream, oidc }),
  });
}

/**
 * Validates your app's Threads settings and returns the {@link ThreadsClient} that the step functions take.
 * Use it when the `createThreadsAuth` state machine does not cover your need.
 *
 * @throws {ThreadsAuthOptionError} naming the first invalid option.
 * @example
 * ```ts
 * const client = createThreadsClient({ clientId, clientSecret, redirectUri });
 * const url = buildAuthorizationUrl(client, { state });
 * ```
 */
export function createThreadsClient(options: ThreadsClientOptions): ThreadsClient {
  return clientFromResolved(resolveClientOptions(options));
}

/** Finds the {@link ThreadsAuthError} behind an openid-client error, if any. @internal */
export function findThreadsAuthError(error: unknown): ThreadsAuthError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ThreadsAuthError) return e;
  }
  return undefined;
}
