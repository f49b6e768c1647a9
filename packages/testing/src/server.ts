/**
 * The fake's HTTP server and its control surface: start it, point an app at {@link FakeThreads.url} and
 * {@link FakeThreads.authorizationUrl}, then inspect calls, inject failures and latency, and approve
 * consent as a browser would. It listens on loopback only by default and never opens a connection itself,
 * except {@link FakeThreads.approve}'s requests to its own listener.
 *
 * @module
 */

import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readConsentForm } from './consent-page.js';
import { type FakeFailure, FailurePlan, failureAction } from './failures.js';
import { graphError, unsupportedRequest } from './meta-errors.js';
import { type FakeThreadsOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { BodyTooLargeError, readForm } from './request-body.js';
import type { FakeResponse } from './responses.js';
import { type EndpointContext, type EndpointRequest, FAKE_ENDPOINTS, type FakeEndpoint, matchRoute } from './routes.js';
import { signRequest } from './signed-request.js';
import { TokenLedger } from './token-ledger.js';

/** One request the fake received for one of its endpoints, recorded before any failure is injected. */
export interface FakeCall {
  readonly endpoint: FakeEndpoint;
  readonly method: string;
  /** The path without the query string, e.g. `/oauth/access_token`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Fields of a urlencoded or multipart body; `{}` when there was none. */
  readonly form: Readonly<Record<string, string>>;
  /** When it arrived, in milliseconds on the fake clock. */
  readonly at: number;
}

/** A long-lived token minted directly by {@link FakeThreads.issueLongLivedToken}. Times are milliseconds. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly userId: string;
  readonly scopes: string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A running fake of Meta's Threads OAuth and Graph endpoints, from {@link startFakeThreads}. */
export interface FakeThreads {
  /** The Graph origin, e.g. `http://127.0.0.1:53187`: what an app passes as its Graph base URL. */
  readonly url: string;
  /** `${url}/oauth/authorize`: what an app passes as its authorization URL. */
  readonly authorizationUrl: string;
  /** The Threads App ID the fake accepts. */
  readonly clientId: string;
  /** The Threads App secret the fake accepts. */
  readonly clientSecret: string;
  /** Every request to an endpoint since start or the last {@link FakeThreads.reset}, oldest first; a snapshot. */
  readonly calls: readonly FakeCall[];
  /** The recorded calls to one endpoint, oldest first. */
  callsTo(endpoint: FakeEndpoint): FakeCall[];
  /**
   * Makes the next `times` requests to `endpoint` fail as `failure` describes (default: every request until
   * {@link FakeThreads.reset}). Failures queued for one endpoint are used in order.
   *
   * @throws TypeError for an unknown endpoint, a malformed failure or a bad `times`.
   */
  fail(endpoint: FakeEndpoint, failure: FakeFailure, options?: { times?: number }): void;
  /**
   * Sets the delay before answering. Without `endpoint`, for every token and Graph endpoint (not the
   * consent page); with one, for that endpoint only, overriding the default.
   *
   * @throws TypeError when `ms` is negative or not finite, or the endpoint is unknown.
   */
  setLatency(ms: number, endpoint?: FakeEndpoint): void;
  /** Clears recorded calls, queued failures and latency changes. Issued codes and tokens stay valid. */
  reset(): void;
  /**
   * Mints a long-lived token without going through the flow, e.g. one issued 25 hours ago to test refresh.
   *
   * @param input - `userId` (default: the first user), `scopes` (default `['threads_basic']`), `issuedAt` in
   *   ms (default: now on the fake clock), `expiresInSeconds` (default: `longLivedTtlSeconds`).
   * @throws TypeError for a user id that is not one of the fake's users.
   */
  issueLongLivedToken(input?: {
    userId?: string;
    scopes?: string[];
    issuedAt?: number;
    expiresInSeconds?: number;
  }): IssuedToken;
  /**
   * Invalidates every token and unused code the user holds, as removing the app in Threads settings does:
   * they now fail with Graph `190`/`458`. A new sign-in issues working tokens again.
   *
   * @throws TypeError for a user id that is not one of the fake's users.
   */
  revokeUser(userId: string): void;
  /**
   * A Meta-format `signed_request` for `payload`, for testing deauthorize and data-deletion callbacks.
   * `algorithm: 'HMAC-SHA256'` and `issued_at` (fake clock) are added unless `payload` sets them.
   *
   * @param secret - The signing key; default {@link FakeThreads.clientSecret}.
   */
  signedRequest(payload: Record<string, unknown>, secret?: string): string;
  /**
   * Does what a browser does on the consent page, over real HTTP: GETs `authorizeUrl`, then POSTs the form
   * with the chosen button.
   *
   * @param authorizeUrl - The authorization URL the app redirected to; it must point at this fake.
   * @param decision - `'allow'` (default) or `'cancel'`.
   * @param userId - Which of the fake's users consents; default the first. With `autoApprove` there is no
   *   page to click: the fake's redirect is returned as is, and only `'allow'` as the first user is possible.
   * @returns The `Location` the fake redirected to: the app's redirect_uri with `code` (or `error`), `state`
   *   if one was sent, and `#_`. Fetch it to drive the app's callback.
   * @throws TypeError when `authorizeUrl` points elsewhere or `userId` is not offered; Error when the fake
   *   answers with an error page instead of a redirect (the error page's JSON is in the message).
   */
  approve(authorizeUrl: string, decision?: 'allow' | 'cancel', userId?: string): Promise<string>;
  /** Stops listening, ends open and hanging connections, and resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

/** Endpoints of the front channel, which the default latency leaves alone. */
const FRONT_CHANNEL: ReadonlySet<FakeEndpoint> = new Set<FakeEndpoint>(['authorize', 'consent']);

function checkEndpoint(method: string, endpoint: unknown): asserts endpoint is FakeEndpoint {
  if (!FAKE_ENDPOINTS.includes(endpoint as FakeEndpoint)) {
    throw new TypeError(`${method}: endpoint must be one of ${FAKE_ENDPOINTS.join(', ')}, got ${String(endpoint)}.`);
  }
}

function checkLatency(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`setLatency: ms must be a finite number ≥ 0, got ${String(ms)}.`);
  }
}

function originFor(host: string, port: number): string {
  // A wildcard address is not something a client can connect to; loopback is where it is reachable.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function send(res: ServerResponse, response: FakeResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

class RunningFake implements FakeThreads {
  readonly url: string;
  readonly authorizationUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;

  readonly #options: ResolvedOptions;
  readonly #server: Server;
  readonly #ledger: TokenLedger;
  /** The users' ids, so that a fake with 100 000 users checks an id in constant time. */
  readonly #userIds: ReadonlySet<string>;
  readonly #failures = new FailurePlan();
  readonly #calls: FakeCall[] = [];
  readonly #endpointLatency = new Map<FakeEndpoint, number>();
  readonly #hanging = new Set<ServerResponse>();
  readonly #closing = new AbortController();
  #latency: number;
  #closed: Promise<void> | undefined;

  constructor(options: ResolvedOptions, server: Server, port: number) {
    this.#options = options;
    this.#server = server;
    this.#ledger = new TokenLedger(options.now);
    this.#userIds = new Set(options.users.map((user) => user.id));
    // Every delayed answer listens on this signal: many requests in flight are expected, not a leak.
    setMaxListeners(0, this.#closing.signal);
    this.#latency = options.latencyMs;
    this.url = originFor(options.host, port);
    this.authorizationUrl = `${this.url}/oauth/authorize`;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
  }

  get calls(): readonly FakeCall[] {
    return Object.freeze([...this.#calls]);
  }

  callsTo(endpoint: FakeEndpoint): FakeCall[] {
    return this.#calls.filter((call) => call.endpoint === endpoint);
  }

  fail(endpoint: FakeEndpoint, failure: FakeFailure, options?: { times?: number }): void {
    checkEndpoint('fail', endpoint);
    this.#failures.add(endpoint, failure, options?.times);
  }

  setLatency(ms: number, endpoint?: FakeEndpoint): void {
    checkLatency(ms);
    if (endpoint === undefined) {
      this.#latency = ms;
      return;
    }
    checkEndpoint('setLatency', endpoint);
    this.#endpointLatency.set(endpoint, ms);
  }

  reset(): void {
    this.#calls.length = 0;
    this.#failures.clear();
    this.#endpointLatency.clear();
    this.#latency = this.#options.latencyMs;
  }

  issueLongLivedToken(
    input: { userId?: string; scopes?: string[]; issuedAt?: number; expiresInSeconds?: number } = {},
  ): IssuedToken {
    const userId = input.userId ?? this.#options.users[0]?.id ?? '';
    this.#checkUser('issueLongLivedToken', userId);
    const grant = this.#ledger.issueUserToken('long-lived', {
      userId,
      scopes: input.scopes ?? ['threads_basic'],
      issuedAt: input.issuedAt ?? this.#options.now(),
      ttlSeconds: input.expiresInSeconds ?? this.#options.longLivedTtlSeconds,
    });
    return {
      accessToken: grant.token,
      userId,
      scopes: [...grant.scopes],
      issuedAt: grant.issuedAt,
      expiresAt: grant.expiresAt,
    };
  }

  revokeUser(userId: string): void {
    this.#checkUser('revokeUser', userId);
    this.#ledger.revokeUser(userId);
  }

  signedRequest(payload: Record<string, unknown>, secret: string = this.clientSecret): string {
    return signRequest(payload, secret, this.#options.now());
  }

  async approve(authorizeUrl: string, decision: 'allow' | 'cancel' = 'allow', userId?: string): Promise<string> {
    if (decision !== 'allow' && decision !== 'cancel') {
      throw new TypeError(`approve: decision must be 'allow' or 'cancel', got ${String(decision)}.`);
    }
    const target = new URL(authorizeUrl);
    if (target.origin !== new URL(this.url).origin) {
      throw new TypeError(`approve: authorizeUrl must point at this fake (${this.url}), got ${target.origin}.`);
    }
    const page = await fetch(target, { redirect: 'manual' });
    const pageText = await page.text();
    if (page.status === 302) {
      // autoApprove already chose: allow, as the first user.
      const autoUser = this.#options.users[0]?.id;
      if (decision === 'cancel' || (userId !== undefined && userId !== autoUser)) {
        throw new Error('approve: the fake runs with autoApprove, which always allows as the first user.');
      }
      return page.headers.get('location') ?? '';
    }
    if (page.status !== 200) {
      throw new Error(`approve: the authorization window answered ${page.status} ${pageText}`);
    }
    const form = readConsentForm(pageText);
    const fields: Record<string, string> = { ...form.fields, decision };
    if (userId !== undefined) {
      if (!form.userIds.includes(userId)) {
        throw new TypeError(`approve: userId must be one of ${form.userIds.join(', ')}, got ${userId}.`);
      }
      fields['user_id'] = userId;
    }
    const answer = await fetch(new URL(form.action, target), {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
    const answerText = await answer.text();
    const location = answer.headers.get('location');
    if (answer.status !== 302 || location === null) {
      throw new Error(`approve: the consent form was answered with ${answer.status} ${answerText}`);
    }
    return location;
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve, reject) => {
      this.#closing.abort();
      for (const res of this.#hanging) res.destroy();
      this.#hanging.clear();
      this.#server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }

  /** Answers one request: route, record, wait, then fail as planned or answer as Meta would. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const query = Object.fromEntries(url.searchParams);
    const form = method === 'GET' || method === 'HEAD' ? {} : await readForm(req);
    const request: EndpointRequest = {
      method,
      path: url.pathname,
      query,
      form,
      authorization: req.headers.authorization,
    };
    const route = matchRoute(request);
    if (route === undefined) {
      send(res, unsupportedRequest(method, url.pathname));
      return;
    }
    this.#calls.push(
      Object.freeze({
        endpoint: route.endpoint,
        method,
        path: url.pathname,
        query: Object.freeze({ ...query }),
        form: Object.freeze({ ...form }),
        at: this.#options.now(),
      }),
    );
    const latency =
      this.#endpointLatency.get(route.endpoint) ?? (FRONT_CHANNEL.has(route.endpoint) ? 0 : this.#latency);
    if (latency > 0) {
      try {
        await sleep(latency, undefined, { signal: this.#closing.signal });
      } catch {
        return; // closed while waiting; close() has already ended the connection
      }
    }
    const failure = this.#failures.take(route.endpoint);
    if (failure !== undefined) {
      const action = failureAction(failure);
      if (action.kind === 'respond') send(res, action.response);
      else if (action.kind === 'reset') req.socket.resetAndDestroy();
      else {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
      }
      return;
    }
    const ctx: EndpointContext = { options: this.#options, ledger: this.#ledger };
    send(res, route.handle(ctx, request));
  }

  #checkUser(method: string, userId: string): void {
    if (!this.#userIds.has(userId)) {
      const known = this.#options.users.map((user) => user.id).join(', ');
      throw new TypeError(`${method}: userId must be one of the fake's users (${known}), got ${userId}.`);
    }
  }
}

/**
 * Starts a fake of Meta's Threads OAuth and Graph endpoints on a real loopback HTTP listener.
 *
 * @param options - See {@link FakeThreadsOptions}; every option has a default.
 * @returns The running fake. Pass its `url` and `authorizationUrl` to the app under test, its `clientId`
 *   and `clientSecret` as the app's credentials, and call `close()` when done.
 * @throws TypeError naming the option when an option is invalid; the listen error (e.g. `EADDRINUSE`) when
 *   the port is taken.
 */
export async function startFakeThreads(options?: FakeThreadsOptions): Promise<FakeThreads> {
  const resolved = resolveOptions(options);
  let fake: RunningFake | undefined;
  const server = createServer((req, res) => {
    fake?.handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof BodyTooLargeError) {
        send(res, graphError({ message: error.message, type: 'OAuthException', code: 100 }, 413));
        return;
      }
      // Deliberately not logged: the request may carry tokens and secrets.
      send(res, graphError({ message: 'An unknown error has occurred.', type: 'OAuthException', code: 1 }, 500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fake = new RunningFake(resolved, server, (server.address() as AddressInfo).port);
  return fake;
}
