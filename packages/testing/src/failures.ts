/**
 * Failure injection: the ways Meta's servers (and the network in front of them) fail, and the per-endpoint
 * queue that decides which request gets which failure.
 *
 * @module
 */

import { flatErrorBody, graphErrorBody } from './meta-errors.js';
import { type FakeResponse, htmlPage, jsonText } from './responses.js';
import type { FakeEndpoint } from './routes.js';

/** A way for an endpoint to fail, injected with {@link FakeThreads.fail}. */
export type FakeFailure =
  /** Any status, with an optional body (default empty) and content type (default `text/plain; charset=utf-8`). */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** HTTP 502 with Meta's `text/html` "Sorry, something went wrong" page, as its edge serves during outages. */
  | { kind: 'html' }
  /** HTTP 200 `application/json` whose body is cut off mid-token. */
  | { kind: 'malformed-json' }
  /** Never answers; {@link FakeThreads.close} ends the connection. For timeout tests. */
  | { kind: 'hang' }
  /** Resets the TCP connection without answering. */
  | { kind: 'reset' }
  /**
   * A Graph-style error `{"error":{"message","type","code","error_subcode"?,"is_transient"?,"fbtrace_id"}}`.
   * Defaults: status 400, type `OAuthException`, a message typical for the code.
   */
  | {
      kind: 'meta-error';
      status?: number;
      code: number;
      subcode?: number;
      type?: string;
      message?: string;
      isTransient?: boolean;
    }
  /**
   * A flat token-endpoint error `{"error_type","code","error_message"}`.
   * Defaults: status 400, type `OAuthException`, code 400, Meta's "Matching code was not found" message.
   */
  | { kind: 'flat-error'; status?: number; code?: number; type?: string; message?: string };

/** What the server does for an injected failure: send a response, hold the request open, or reset the socket. */
export type FailureAction =
  | { readonly kind: 'respond'; readonly response: FakeResponse }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

/** Messages Graph uses for common codes, for `meta-error` failures that give none. */
const GRAPH_MESSAGES: Readonly<Record<number, string>> = {
  1: 'An unknown error has occurred.',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: 'Application request limit reached',
  10: 'Application does not have permission for this action',
  17: 'User request limit reached',
  100: 'Invalid parameter',
  102: 'Session key invalid or no longer valid',
  190: 'Invalid OAuth access token - Cannot parse access token',
  341: 'Application limit reached',
};

/** Meta's generic outage page. */
const OUTAGE_PAGE =
  '<!DOCTYPE html>\n<html lang="en" id="facebook"><head><title>Error</title><meta charset="utf-8"></head>' +
  "<body><div>Sorry, something went wrong.<br>We're working on getting this fixed as soon as we can.</div></body></html>\n";

/** The action that reproduces `failure`. */
export function failureAction(failure: FakeFailure): FailureAction {
  switch (failure.kind) {
    case 'status':
      return {
        kind: 'respond',
        response: {
          status: failure.status,
          headers: { 'content-type': failure.contentType ?? 'text/plain; charset=utf-8' },
          body: failure.body ?? '',
        },
      };
    case 'html':
      return { kind: 'respond', response: htmlPage(502, OUTAGE_PAGE) };
    case 'malformed-json':
      return { kind: 'respond', response: jsonText(200, '{"access_token":"THQVJ') };
    case 'hang':
      return { kind: 'hang' };
    case 'reset':
      return { kind: 'reset' };
    case 'meta-error': {
      const body = graphErrorBody({
        message: failure.message ?? GRAPH_MESSAGES[failure.code] ?? 'An unknown error has occurred.',
        type: failure.type ?? 'OAuthException',
        code: failure.code,
        ...(failure.subcode === undefined ? {} : { subcode: failure.subcode }),
        ...(failure.isTransient === undefined ? {} : { isTransient: failure.isTransient }),
      });
      return { kind: 'respond', response: jsonText(failure.status ?? 400, body) };
    }
    case 'flat-error': {
      const body = flatErrorBody({
        ...(failure.type === undefined ? {} : { type: failure.type }),
        code: failure.code ?? 400,
        message: failure.message ?? 'Matching code was not found or was already used',
      });
      return { kind: 'respond', response: jsonText(failure.status ?? 400, body) };
    }
  }
}

function checkFailure(failure: FakeFailure): void {
  const kinds = ['status', 'html', 'malformed-json', 'hang', 'reset', 'meta-error', 'flat-error'];
  if (typeof failure !== 'object' || failure === null || !kinds.includes(failure.kind)) {
    throw new TypeError(`fail: failure.kind must be one of ${kinds.join(', ')}.`);
  }
  const status = 'status' in failure ? failure.status : undefined;
  if (failure.kind === 'status' || status !== undefined) {
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
      throw new TypeError('fail: failure.status must be an HTTP status from 100 to 599.');
    }
  }
  if (failure.kind === 'meta-error' && !Number.isInteger(failure.code)) {
    throw new TypeError('fail: failure.code must be an integer, the Graph error code (e.g. 190, 4, 2).');
  }
}

interface PlannedFailure {
  readonly failure: FakeFailure;
  remaining: number;
}

/**
 * The failures waiting per endpoint. Several failures for one endpoint are used in the order they were
 * added, each for its `times`.
 */
export class FailurePlan {
  readonly #planned = new Map<FakeEndpoint, PlannedFailure[]>();

  /**
   * Queues `failure` for the next `times` requests to `endpoint` (default: every request until cleared).
   *
   * @throws TypeError when the failure is malformed or `times` is not a positive integer or `Infinity`.
   */
  add(endpoint: FakeEndpoint, failure: FakeFailure, times = Number.POSITIVE_INFINITY): void {
    checkFailure(failure);
    if (times !== Number.POSITIVE_INFINITY && (!Number.isInteger(times) || times < 1)) {
      throw new TypeError(`fail: options.times must be a positive integer or Infinity, got ${String(times)}.`);
    }
    const queue = this.#planned.get(endpoint) ?? [];
    queue.push({ failure, remaining: times });
    this.#planned.set(endpoint, queue);
  }

  /** The failure for this request to `endpoint`, counting it down, or `undefined` to answer normally. */
  take(endpoint: FakeEndpoint): FakeFailure | undefined {
    const queue = this.#planned.get(endpoint);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.failure;
  }

  /** Forgets every planned failure. */
  clear(): void {
    this.#planned.clear();
  }
}
