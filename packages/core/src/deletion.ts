/**
 * Confirmation codes for Meta's data-deletion callback: alphanumeric, and verifiable without storing them,
 * so the status page confirms only codes this app issued.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const NONCE_HEX = 16;

function tag(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`threads-auth/deletion/${nonce}`).digest('hex').slice(0, 16);
}

/** A new confirmation code: 16 hex characters of randomness and 16 of MAC. */
export function createConfirmationCode(secret: string, random: Uint8Array): string {
  const nonce = Buffer.from(random).toString('hex').slice(0, NONCE_HEX);
  return `${nonce}${tag(secret, nonce)}`;
}

/** True when `code` was issued by {@link createConfirmationCode} with one of `secrets`. */
export function verifyConfirmationCode(code: string | null, secrets: readonly string[]): boolean {
  if (code === null || !/^[0-9a-f]{32}$/.test(code)) return false;
  const nonce = code.slice(0, NONCE_HEX);
  const given = Buffer.from(code.slice(NONCE_HEX));
  return secrets.some((secret) => timingSafeEqual(Buffer.from(tag(secret, nonce)), given));
}
