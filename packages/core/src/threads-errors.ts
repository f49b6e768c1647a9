/**
 * How Meta's errors look and what they mean, as data: the four error-body shapes (`parseMetaError`),
 * the error a redirect to the callback can carry, which Meta codes are transient, rate limits or mean "this
 * token is dead", how long a rate limit asks to wait, and `META_ERROR_MAPPINGS` from Meta's codes to
 * threads-auth codes. Hosts, endpoints and the other Threads facts are in `threads.ts`.
 *
 * Sources: ../shared/reference/threads-oauth.md, section 7 and its gotchas; each mapping names its own.
 *
 * @module
 */
import type { ThreadsAuthErrorCode } from './error-codes.js';
import type { MetaErrorDetails, ThreadsStep } from './errors.js';
import { redactText } from './threads.js';

/**
 * What Meta's redirect to the callback says when it carries `error` instead of a code: `access_denied` for the
 * user's cancel (`error=access_denied&error_reason=user_denied`; the docs misspell it "acceess_denied"),
 * `authorization_failed` for anything else, `undefined` when there is no error.
 */
export function authorizationError(query: URLSearchParams): ThreadsAuthErrorCode | undefined {
  const error = query.get('error');
  const errorCode = asNumber(query.get('error_code'));
  // [inferred] Meta shows its authorization-window errors (`error_code` 1349026, 1349245, …) on its own page; should
  // one come back to the callback, it is named like the same code from any other step.
  const known = errorCode === undefined ? undefined : classifyMetaError('authorize', { code: errorCode });
  if (known !== undefined) return known;
  if (error === null) return undefined;
  return /denied/.test(error) || query.get('error_reason') === 'user_denied' ? 'access_denied' : 'authorization_failed';
}

/** Meta codes that mean "try again later" (Graph error-handling guide): unknown, service, throttling. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341]);
/** Meta codes that mean the access token is dead: expired, revoked, app removed, password changed. */
const INVALID_TOKEN_CODES = new Set([190, 102]);

/** True when Meta marked the failure as transient, or used a code that means "retry later". */
export function isTransientMetaError(meta: MetaErrorDetails): boolean {
  return meta.isTransient === true || (meta.code !== undefined && TRANSIENT_CODES.has(meta.code));
}

/** True when Meta says the token itself is no longer valid (code 190 or 102): the user must sign in again. */
export function isInvalidTokenMetaError(meta: MetaErrorDetails): boolean {
  return meta.code !== undefined && INVALID_TOKEN_CODES.has(meta.code);
}

// --- Rate limits (issue 10: upkeep pauses on these instead of failing every token) ---

/**
 * Meta's rate-limit codes: `4` app-level throttling ("Application request limit reached"), `17` user-level
 * throttling, `32` page-level throttling, `613` a custom rate limit. Sources: the Graph error-handling and
 * rate-limiting guides (https://developers.facebook.com/docs/graph-api/guides/error-handling,
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting); 4 and 17 are documented for Graph,
 * 32 and 613 are Graph conventions not confirmed for Threads.
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613]);

/** True when Meta says the caller is over a rate limit (a code in {@link RATE_LIMIT_CODES}, or HTTP 429). */
export function isRateLimitMetaError(meta: MetaErrorDetails): boolean {
  return (meta.code !== undefined && RATE_LIMIT_CODES.has(meta.code)) || meta.httpStatus === 429;
}

/** The longest wait a rate-limit answer is believed for; a larger value is clamped to this. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * How long Meta asks the caller to wait, in ms, from a response's headers, or `undefined` when it does not
 * say: `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3), else the largest
 * `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage` (Graph rate-limiting guide).
 * Whether `graph.threads.net` sends either is undocumented; both are read when present.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    const ms = /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
  }
  const usage = headers.get('x-business-use-case-usage');
  if (usage === null) return undefined;
  let minutes: number | undefined;
  try {
    for (const entries of Object.values(JSON.parse(usage) as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const m = asNumber((entry as Record<string, unknown> | null)?.['estimated_time_to_regain_access']);
        if (m !== undefined && m > 0) minutes = Math.max(minutes ?? 0, m);
      }
    }
  } catch {
    return undefined;
  }
  return minutes === undefined ? undefined : Math.min(minutes * 60_000, MAX_RETRY_AFTER_MS);
}

// --- end of rate limits ---

/** How sure a mapping of {@link META_ERROR_MAPPINGS} is, in the reference sheet's marks. */
export type SourceConfidence = 'doc' | 'code' | 'inferred';

/** One of Meta's errors, named for the mistake behind it. */
export interface MetaErrorMapping {
  /** What the error becomes. */
  readonly to: ThreadsAuthErrorCode;
  /** Meta's `code` (any of them matches). */
  readonly codes: readonly number[] | ((code: number) => boolean);
  /** The steps it is read this way in; every step when absent. */
  readonly steps?: readonly ThreadsStep[];
  /** Where the fact comes from. */
  readonly source: string;
  readonly confidence: SourceConfidence;
}

/**
 * Meta's error codes, and the mistakes behind them, as threads-auth codes; the first match wins, and anything
 * unmatched is the step's own failure (`ENDPOINTS[…].failure`) or, when transient, `upstream_unavailable`.
 * Classified by `code` (and step), never by Meta's message text: the texts are not documented and change.
 */
export const META_ERROR_MAPPINGS: readonly MetaErrorMapping[] = Object.freeze([
  {
    // Usually the Meta app secret used instead of the Threads app secret (an app has two pairs).
    to: 'invalid_client_secret',
    codes: [101],
    steps: ['code_exchange', 'app_token', 'long_lived_exchange'],
    source: 'threads-2026-notes.md "Errors users hit first" (101 "Error validating client secret.", code exchange, flat shape); the fake (TOKEN_ERRORS.badClientSecret); Meta documents no body for it',
    confidence: 'inferred',
  },
  {
    // The Meta app id used instead of the Threads app id. Meta shows these on its own authorization-window page.
    to: 'invalid_client_id',
    codes: [1349026, 4476002],
    source: 'threads-oauth.md §1 and gotcha 1: fbsamples/threads_api #12, #17 (1349026 "No application data was given"); brightbeanxyz/brightbean-studio #45, PR #136 (4476002)',
    confidence: 'code',
  },
  {
    to: 'tester_not_accepted',
    codes: [1349245],
    source: 'threads-oauth.md §1 and gotcha 6: fbsamples/threads_api #14 ("The user has not accepted the invite to test the app"); DOC-GS on testers',
    confidence: 'code',
  },
  {
    // threads-auth calls debug_token with the app token; Meta refuses user-token callers on development-mode apps.
    to: 'debug_token_refused',
    codes: [100],
    steps: ['introspection'],
    source: 'threads-oauth.md §5 and gotcha 9: tirthpatell/fia-f1-docs-bot PR #50, tirthpatell/threads-go #28 (100 "The app associated with this request is in dev mode")',
    confidence: 'code',
  },
  {
    // 190 with subcode 458 (app removed), 460 (password changed), 463 (expired), 467 (invalid), or none; 102 alike.
    to: 'token_expired',
    codes: [...INVALID_TOKEN_CODES],
    steps: ['refresh'],
    source: 'threads-oauth.md §7: Graph error-handling guide https://developers.facebook.com/docs/graph-api/guides/error-handling [doc] (190, 102, subcodes 458, 460, 463); 467 from a Graph subcode list [inferred]; huginn PR #3667',
    confidence: 'doc',
  },
  {
    // Observed with HTTP 500, so the status cannot classify it (threads-oauth.md §7).
    to: 'permission_missing',
    codes: (code) => code === 10 || (code >= 200 && code <= 299),
    source: 'threads-oauth.md §7 (10 THApiException "Application does not have permission for this action" [code]; 200–299 Graph [doc]); exileum/meta-mcp #216',
    confidence: 'code',
  },
  {
    to: 'rate_limited',
    codes: [...RATE_LIMIT_CODES],
    source: 'threads-2026-notes.md "Errors users hit first"; Graph rate-limiting docs [doc]; 613 not confirmed for Threads [inferred]',
    confidence: 'doc',
  },
] satisfies MetaErrorMapping[]);

/**
 * The threads-auth code for Meta's error `meta` at `step` ({@link META_ERROR_MAPPINGS}), or `undefined` when no
 * mapping names it (the caller then uses the step's own failure code).
 */
export function classifyMetaError(step: ThreadsStep, meta: MetaErrorDetails): ThreadsAuthErrorCode | undefined {
  const code = meta.code;
  if (code === undefined) return undefined;
  for (const mapping of META_ERROR_MAPPINGS) {
    if (mapping.steps !== undefined && !mapping.steps.includes(step)) continue;
    if (typeof mapping.codes === 'function' ? mapping.codes(code) : mapping.codes.includes(code)) return mapping.to;
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Reads Meta's error details from any of the four shapes Threads uses, or `undefined` when `body` is not
 * a Meta error:
 * 1. Graph: `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}`
 * 2. OAuth token endpoint (flat): `{"error_type","code","error_message"}`
 * 3. Authorization window (flat): `{"error_message","error_code"}`
 * 4. debug_token of an invalid token: `{"data":{"error":{"code","subcode","message"}}}` (pass `data`; its
 *    subcode is named `subcode`, not `error_subcode`)
 */
export function parseMetaError(body: Record<string, unknown> | undefined, httpStatus: number): MetaErrorDetails | undefined {
  if (body === undefined) return undefined;
  const nested = body['error'];
  if (typeof nested === 'object' && nested !== null) {
    const e = nested as Record<string, unknown>;
    const message = asString(e['message']) ?? asString(e['error_user_msg']);
    return {
      type: asString(e['type']),
      code: asNumber(e['code']),
      subcode: asNumber(e['error_subcode']) ?? asNumber(e['subcode']),
      fbtraceId: asString(e['fbtrace_id']),
      isTransient: typeof e['is_transient'] === 'boolean' ? e['is_transient'] : undefined,
      message: message === undefined ? undefined : redactText(message),
      httpStatus,
    };
  }
  const message = asString(body['error_message']) ?? asString(body['error_description']) ?? asString(body['error']);
  const code = asNumber(body['code']) ?? asNumber(body['error_code']);
  if (message === undefined && code === undefined) return undefined;
  return {
    type: asString(body['error_type']),
    code,
    subcode: asNumber(body['error_subcode']),
    fbtraceId: asString(body['fbtrace_id']),
    message: message === undefined ? undefined : redactText(message),
    httpStatus,
  };
}
