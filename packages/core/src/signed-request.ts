/**
 * Meta's `signed_request`, sent to the deauthorize (uninstall) and data-deletion callbacks.
 *
 * @see https://developers.facebook.com/docs/apps/delete-data
 * @see https://developers.facebook.com/docs/reference/login/signed-request
 * @module
 */
import { equalBytes, hmacSha256 } from './crypto.js';
import { ThreadsAuthError } from './errors.js';
import { parseThreadsJson } from './threads.js';

/** The payload of a verified signed request. */
export interface SignedRequestPayload {
  /** The app-scoped Threads user id, exact, as a string. */
  readonly userId: string;
  /** When Meta issued the request, in seconds since the epoch. */
  readonly issuedAt: number | undefined;
  /** Every field Meta sent (ids as strings). */
  readonly raw: Readonly<Record<string, unknown>>;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Verifies a `signed_request` (`<base64url signature>.<base64url JSON payload>`): HMAC-SHA256 of the encoded
 * payload with the app secret, compared in constant time, and `algorithm` must be `HMAC-SHA256`.
 *
 * @throws {ThreadsAuthError} `invalid_signed_request` for anything else.
 */
export function verifySignedRequest(signedRequest: unknown, appSecret: string): SignedRequestPayload {
  const invalid = (why: string) => new ThreadsAuthError('invalid_signed_request', { message: `signed_request ${why}` });
  if (typeof signedRequest !== 'string' || signedRequest.length > 8192) throw invalid('is missing');
  const dot = signedRequest.indexOf('.');
  const signature = signedRequest.slice(0, dot);
  const payload = signedRequest.slice(dot + 1);
  if (dot <= 0 || !BASE64URL.test(signature) || !BASE64URL.test(payload)) throw invalid('is malformed');
  // Keyed with the app secret itself, as Meta signs it (not a derived key: the key is Meta's choice).
  if (!equalBytes(Buffer.from(signature, 'base64url'), hmacSha256(appSecret, payload))) throw invalid('has a bad signature');
  const data = parseThreadsJson(Buffer.from(payload, 'base64url').toString('utf8'));
  if (data === undefined) throw invalid('payload is not JSON');
  if (typeof data['algorithm'] !== 'string' || data['algorithm'].toUpperCase() !== 'HMAC-SHA256') throw invalid('uses an unsupported algorithm');
  const userId = data['user_id'];
  if (typeof userId !== 'string' || !/^\d+$/.test(userId)) throw invalid('has no user_id');
  return Object.freeze({ userId, issuedAt: typeof data['issued_at'] === 'number' ? data['issued_at'] : undefined, raw: Object.freeze(data) });
}
