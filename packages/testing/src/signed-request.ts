/**
 * Meta's `signed_request`, as POSTed to an app's deauthorize (uninstall) and data-deletion callbacks:
 * `<base64url(signature)>.<base64url(JSON payload)>`, the signature being HMAC-SHA256 of the still-encoded
 * payload segment, keyed with the app secret.
 *
 * @see https://developers.facebook.com/docs/reference/login/signed-request
 * @see https://developers.facebook.com/docs/apps/delete-data
 * @module
 */

import { createHmac } from 'node:crypto';

/**
 * Signs `payload` the way Meta does. `algorithm: 'HMAC-SHA256'` and `issued_at` (unix seconds from
 * `nowMs`) are filled in unless `payload` sets them, so a test can also forge a wrong algorithm.
 *
 * @param payload - The claims, e.g. `{ user_id: '17841405793187219' }`; add `expires` for data deletion.
 * @param secret - The key, the Threads App secret.
 * @param nowMs - The clock reading for `issued_at`, in milliseconds.
 * @returns The value of the `signed_request` form field.
 */
export function signRequest(payload: Record<string, unknown>, secret: string, nowMs: number): string {
  const claims = { algorithm: 'HMAC-SHA256', issued_at: Math.floor(nowMs / 1000), ...payload };
  const encodedPayload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signature = createHmac('sha256', secret).update(encodedPayload).digest('base64url');
  return `${signature}.${encodedPayload}`;
}
