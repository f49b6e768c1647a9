/**
 * Calls to Meta's Graph origin: one timeout per attempt, bounded retries of transient failures of
 * idempotent GETs with jittered exponential backoff, and classification of every failure into a
 * {@link ThreadsAuthError}. Only redacted URLs ever reach an error message.
 *
 * @module
 */
import type { ThreadsAuthErrorCode } from './error-codes.js';
import { ThreadsAuthError } from './errors.js';
import { parseThreadsJson, redactUrl, type ThreadsEndpoint } from './threads.js';
import { classifyMetaError, isRateLimitMetaError, isTransientMetaError, parseMetaError, retryAfterMs } from './threads-errors.js';

/** The fetch function threads-auth calls Meta with (the global `fetch` by default). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How upstream calls behave. */
export interface UpstreamConfig {
  readonly fetch: FetchLike;
  /** Bound on each attempt, response body included. */
  readonly timeoutMs: number;
  /** Attempts per idempotent call, 1–3. */
  readonly attempts: number;
  /** First backoff delay; doubles per retry, with jitter. */
  readonly retryDelayMs: number;
}

/** One call to a Threads endpoint: its description, the URL built from it, and a form body for POSTs. */
interface UpstreamCall {
  readonly endpoint: ThreadsEndpoint;
  readonly url: URL;
  readonly body?: URLSearchParams | undefined;
}

class AttemptFailure {
  constructor(
    readonly error: ThreadsAuthError,
    readonly retryable: boolean,
  ) {}
}

const TIMEOUT = Symbol('timeout');

async function attempt(config: UpstreamConfig, call: UpstreamCall): Promise<Record<string, unknown>> {
  const { step, method, failure } = call.endpoint;
  const where = `${method} ${redactUrl(call.url)}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMEOUT), config.timeoutMs);
  let status: number;
  let text: string;
  let headers: Headers;
  try {
    const response = await config.fetch(call.url, {
      method,
      headers: call.body ? { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' } : { accept: 'application/json' },
      body: call.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (cause) {
    if (controller.signal.aborted && controller.signal.reason === TIMEOUT) {
      throw new AttemptFailure(
        new ThreadsAuthError('upstream_timeout', { step: step, message: `${step}: no answer within ${config.timeoutMs} ms from ${where}` }),
        true,
      );
    }
    const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : 'network error';
    throw new AttemptFailure(
      new ThreadsAuthError('upstream_unavailable', { step: step, message: `${step}: ${where} failed: ${reason}` }),
      true,
    );
  } finally {
    clearTimeout(timer);
  }

  const json = parseThreadsJson(text);
  if (status >= 200 && status < 300) {
    if (json !== undefined) return json;
    throw new AttemptFailure(
      new ThreadsAuthError('invalid_upstream_response', { step: step, message: `${step}: HTTP ${status} from ${where} is not a JSON object` }),
      false,
    );
  }
  const parsed = parseMetaError(json, status) ?? (status === 429 ? { httpStatus: status } : undefined);
  if (parsed !== undefined) {
    const limited = isRateLimitMetaError(parsed);
    const wait = limited ? retryAfterMs(headers) : undefined;
    const meta = wait === undefined ? parsed : { ...parsed, retryAfterMs: wait };
    // A rate limit lasts minutes, not the few hundred ms of a retry: retrying only spends more of the quota.
    // The caller backs off instead (the upkeep pauses its whole run).
    const transient = limited || isTransientMetaError(meta);
    const detail = `Meta error ${meta.code ?? '?'}${meta.subcode === undefined ? '' : `/${meta.subcode}`}${meta.message ? ` "${meta.message}"` : ''}`;
    throw new AttemptFailure(
      // Named for the mistake behind it where Meta's code says (META_ERROR_MAPPINGS), else the step's own failure.
      new ThreadsAuthError(classifyMetaError(step, meta) ?? (transient ? 'upstream_unavailable' : failure), {
        step: step,
        meta,
        message: `${step}: HTTP ${status} from ${where}: ${detail}`,
      }),
      transient && !limited,
    );
  }
  const code: ThreadsAuthErrorCode = status === 503 ? 'upstream_unavailable' : status >= 500 ? 'upstream_error' : 'invalid_upstream_response';
  throw new AttemptFailure(
    new ThreadsAuthError(code, { step: step, meta: { httpStatus: status }, message: `${step}: HTTP ${status} without a Meta error body from ${where}` }),
    status >= 500,
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls a Threads endpoint and resolves its JSON body (ids read losslessly). GETs are retried on transient
 * failures (network errors, timeouts, 5xx without a Meta code, `is_transient`, Meta codes 1, 2, 341)
 * up to `config.attempts` times; POSTs are never retried, nor are rate limits (`RATE_LIMIT_CODES`, HTTP 429),
 * which fail at once as `upstream_unavailable` with `meta.retryAfterMs` when Meta said how long to wait.
 *
 * @throws {ThreadsAuthError} the code {@link classifyMetaError} names for Meta's error (e.g. `invalid_client_secret`,
 *   `rate_limited`), else `failure` when Meta answers with an error; `invalid_upstream_response`,
 *   `upstream_error`, `upstream_unavailable` or `upstream_timeout`.
 */
export async function callThreads(config: UpstreamConfig, endpoint: ThreadsEndpoint, url: URL, body?: URLSearchParams): Promise<Record<string, unknown>> {
  const attempts = endpoint.method === 'GET' ? config.attempts : 1;
  const call: UpstreamCall = { endpoint, url, body };
  for (let n = 1; ; n++) {
    try {
      return await attempt(config, call);
    } catch (failure) {
      if (!(failure instanceof AttemptFailure)) throw failure;
      if (!failure.retryable || n >= attempts) throw failure.error;
      const delay = config.retryDelayMs * 2 ** (n - 1);
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
