/**
 * Sealing: authenticated encryption of small JSON values (or bytes: the session cookie's compact form) for cookies
 * and for tokens at rest.
 *
 * AES-256-GCM with a 96-bit random IV, keys derived from `secret` with HKDF-SHA256, one key per purpose
 * (`state`, `session`, `store`) so a value sealed for one use can never be accepted for another.
 * Output: base64url(iv ‖ ciphertext ‖ tag), safe in a cookie without escaping.
 *
 * Synchronous on node:crypto (through ./crypto.ts) rather than jose's JWE or iron-webcrypto, both asynchronous
 * WebCrypto: this runs on every request that carries a session (docs/decisions/0002-sealing-on-node-crypto.md).
 *
 * @module
 */
import { decrypt, deriveKey, encrypt, type KeyPurpose, type RandomBytes } from './crypto.js';

/** What a sealed value is for; each purpose has its own key. */
export type SealPurpose = Exclude<KeyPurpose, 'deletion'>;

/** Seals and unseals JSON values for one purpose. */
export interface Sealer {
  seal(value: unknown): string;
  /** The value, or `undefined` when `sealed` was not produced by a sealer with one of the same secrets. */
  unseal(sealed: string): unknown;
  /**
   * Like {@link Sealer.unseal}, and says whether the value was sealed with an older secret than the first,
   * so that the caller can re-seal it with the current one.
   */
  open(sealed: string): { readonly value: unknown; readonly stale: boolean } | undefined;
  /** Seals `bytes` as they are (no JSON): for a payload with its own compact encoding. */
  sealBytes(bytes: Uint8Array): string;
  /** The bytes sealed (by {@link Sealer.sealBytes}, or the UTF-8 of a JSON value), and whether with an older secret. */
  openBytes(sealed: string): { readonly bytes: Buffer; readonly stale: boolean } | undefined;
}

/**
 * Creates a {@link Sealer} for `purpose`, bound to `binding` (the app's client id: another app with the same
 * secret cannot unseal what this one sealed). The first secret seals; every secret unseals, so a secret can be
 * rotated by prepending the new one.
 */
export function createSealer(secrets: readonly string[], purpose: SealPurpose, randomBytes: RandomBytes, binding = ''): Sealer {
  const keys = secrets.map((secret) => deriveKey(secret, purpose, binding));
  const sealingKey = keys[0]!;
  const openBytes = (sealed: string) => {
    if (sealed.length < 40 || sealed.length > 8192) return undefined;
    const opened = decrypt(keys, sealed);
    return opened === undefined ? undefined : { bytes: opened.plaintext, stale: opened.keyIndex > 0 };
  };
  const open = (sealed: string) => {
    const opened = openBytes(sealed);
    if (opened === undefined) return undefined;
    try {
      return { value: JSON.parse(opened.bytes.toString('utf8')) as unknown, stale: opened.stale };
    } catch {
      return undefined;
    }
  };
  return {
    seal: (value) => encrypt(sealingKey, JSON.stringify(value), randomBytes),
    unseal: (sealed) => open(sealed)?.value,
    open,
    sealBytes: (bytes) => encrypt(sealingKey, bytes, randomBytes),
    openBytes,
  };
}
