/**
 * Sealing: authenticated encryption of small JSON values for cookies and for tokens at rest.
 *
 * AES-256-GCM with a 96-bit random IV, keys derived from `secret` with HKDF-SHA256, one key per purpose
 * (`state`, `session`, `store`, …) so a value sealed for one use can never be accepted for another.
 * Output: base64url(iv ‖ ciphertext ‖ tag), safe in a cookie without escaping.
 *
 * Written on node:crypto rather than jose's JWE or iron-webcrypto because both are asynchronous WebCrypto
 * and this runs on every request that carries a session; the synchronous cipher keeps the per-request
 * cost to a few microseconds (see docs/decisions/0002-sealing.md). This is the one module that touches
 * node:crypto for sealing.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/** What a sealed value is for; each purpose has its own key. */
export type SealPurpose = 'state' | 'session' | 'store' | 'deletion';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and unseals JSON values for one purpose. */
export interface Sealer {
  seal(value: unknown): string;
  /** The value, or `undefined` when `sealed` was not produced by a sealer with one of the same secrets. */
  unseal(sealed: string): unknown;
}

function deriveKey(secret: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'threads-auth', `threads-auth/${purpose}/v1`, 32));
}

/**
 * Creates a {@link Sealer} for `purpose`. The first secret seals; every secret unseals, so a secret can be
 * rotated by prepending the new one.
 */
export function createSealer(secrets: readonly string[], purpose: SealPurpose, randomBytes: (size: number) => Uint8Array): Sealer {
  const keys = secrets.map((secret) => deriveKey(secret, purpose));
  const sealingKey = keys[0]!;
  return {
    seal(value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
      const body = cipher.update(JSON.stringify(value), 'utf8');
      const final = cipher.final();
      return Buffer.concat([iv, body, final, cipher.getAuthTag()]).toString('base64url');
    },
    unseal(sealed) {
      if (sealed.length < 40 || sealed.length > 8192) return undefined;
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(raw.length - TAG_BYTES);
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, iv);
          decipher.setAuthTag(tag);
          const text = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
          return JSON.parse(text) as unknown;
        } catch {
          // wrong key or tampered: try the next secret
        }
      }
      return undefined;
    },
  };
}
