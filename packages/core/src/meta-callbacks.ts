/**
 * Meta's callbacks: the Uninstall (deauthorize) and Delete (data deletion) callbacks Meta POSTs a
 * `signed_request` form to, and the deletion status page the Delete callback's answer points to.
 *
 * @see https://developers.facebook.com/docs/apps/delete-data
 * @module
 */
import type { AuthContext } from './context.js';
import { deriveKey, equalBytes, hmacSha256 } from './crypto.js';
import { ThreadsAuthError, isThreadsAuthError } from './errors.js';
import { FORM_BODY_LIMIT, readRequestBody, type RequestBodyStream } from './form-body.js';
import type { Lifecycle } from './lifecycle.js';
import { NO_COOKIES, htmlPage, respond, type Outcome } from './outcome.js';
import { verifySignedRequest } from './signed-request.js';

/** What a Meta callback request brings. */
export interface MetaCallbackRequest {
  /** The request body stream, read only when no body parser already did. */
  readonly body?: RequestBodyStream;
  /** What a body parser already made of the body, if one ran. */
  readonly parsedBody?: unknown;
}

/** Meta's callbacks of one instance. */
export interface MetaCallbacks {
  /** `POST {basePath}/deauthorize`: verify, forget the user's tokens, `{"success":true}`. */
  deauthorize(request: MetaCallbackRequest): Promise<Outcome>;
  /** `POST {basePath}/delete`: verify, forget the user's tokens, `{url, confirmation_code}`. */
  delete(request: MetaCallbackRequest): Promise<Outcome>;
  /** `GET {basePath}/deletion-status?code=`: confirms only codes this app issued. */
  deletionStatus(query: URLSearchParams): Outcome;
}

const NONCE_HEX = 16;
/** A signed request older than this (seconds) is refused: Meta sends it when the user acts, not a day later. */
export const SIGNED_REQUEST_MAX_AGE_S = 24 * 60 * 60;
/** How far in the future `issued_at` may be (clock skew), seconds. */
const SIGNED_REQUEST_MAX_SKEW_S = 5 * 60;

/**
 * Confirmation codes, verifiable without storing them: 16 hex characters of randomness and 16 of an HMAC keyed
 * with a key derived for this purpose from each secret (so rotation keeps earlier codes verifiable).
 */
function confirmationCodes(secrets: readonly string[], binding: string) {
  const keys = secrets.map((secret) => deriveKey(secret, 'deletion', binding));
  const tag = (key: Uint8Array, nonce: string) => hmacSha256(key, `threads-auth/deletion/${nonce}`).subarray(0, 8);
  return {
    create(random: Uint8Array): string {
      const nonce = Buffer.from(random).toString('hex').slice(0, NONCE_HEX);
      return `${nonce}${tag(keys[0]!, nonce).toString('hex')}`;
    },
    verify(code: string | null): boolean {
      if (code === null || !/^[0-9a-f]{32}$/.test(code)) return false;
      const nonce = code.slice(0, NONCE_HEX);
      const given = Buffer.from(code.slice(NONCE_HEX), 'hex');
      return keys.some((key) => equalBytes(tag(key, nonce), given));
    },
  };
}

/** Builds Meta's callbacks. */
export function createMetaCallbacks(ctx: AuthContext, lifecycle: Lifecycle): MetaCallbacks {
  const { opts } = ctx;
  const codes = confirmationCodes(opts.secrets, opts.clientId);

  /** The form's fields, whatever body parser (if any) ran first. @throws {ThreadsAuthError} */
  async function readForm(request: MetaCallbackRequest): Promise<Readonly<Record<string, unknown>>> {
    const body = request.body === undefined ? request.parsedBody : await readRequestBody(request.body, request.parsedBody, { timeoutMs: opts.bodyTimeoutMs });
    if (body === undefined || body === null) return {};
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
      if (text.length > FORM_BODY_LIMIT) throw new ThreadsAuthError('payload_too_large');
      return Object.fromEntries(new URLSearchParams(text));
    }
    return typeof body === 'object' ? (body as Readonly<Record<string, unknown>>) : {};
  }

  /** The verified user id of the request's `signed_request`, or the outcome that refuses it. */
  async function verifiedUser(request: MetaCallbackRequest): Promise<string | Outcome> {
    try {
      const form = await readForm(request);
      const { userId, issuedAt } = verifySignedRequest(form['signed_request'], opts.clientSecret);
      // A signed request is a bearer credential: one captured and replayed later must not delete anything.
      const age = issuedAt === undefined ? Number.POSITIVE_INFINITY : ctx.now() / 1000 - issuedAt;
      if (!(age <= SIGNED_REQUEST_MAX_AGE_S && age >= -SIGNED_REQUEST_MAX_SKEW_S)) {
        throw new ThreadsAuthError('invalid_signed_request', { message: `signed_request issued_at is ${issuedAt === undefined ? 'missing' : 'outside the accepted window (24 h)'}` });
      }
      return userId;
    } catch (error) {
      if (isThreadsAuthError(error)) return ctx.failure(error, NO_COOKIES);
      throw error;
    }
  }

  return {
    async deauthorize(request) {
      const userId = await verifiedUser(request);
      if (typeof userId !== 'string') return userId;
      await lifecycle.forget(userId, 'deauthorized');
      return respond(200, 'application/json', '{"success":true}');
    },
    async delete(request) {
      const userId = await verifiedUser(request);
      if (typeof userId !== 'string') return userId;
      await lifecycle.forget(userId, 'data_deletion');
      const code = codes.create(opts.randomBytes(8));
      const url = `${opts.origin}${opts.basePath}/deletion-status?code=${code}`;
      return respond(200, 'application/json', JSON.stringify({ url, confirmation_code: code }));
    },
    deletionStatus(query) {
      const code = query.get('code');
      if (!codes.verify(code)) {
        return respond(404, 'text/html; charset=utf-8', htmlPage('Unknown confirmation code', 'No data-deletion request with this confirmation code was received by this app.'));
      }
      return respond(200, 'text/html; charset=utf-8', htmlPage('Data deleted', `Deletion request ${code} is complete: the Threads tokens this app held for you have been deleted.`));
    },
  };
}
