/**
 * Every Node crypto call threads-auth makes, in one corner: random bytes, SHA-256, constant-time comparison,
 * HMAC-SHA256, a key per purpose (HKDF) and AES-256-GCM. A Web-crypto port of core swaps this one file.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';

/** What every MAC and cipher key is derived for; one key per purpose, so a value made for one is refused by another. */
export type KeyPurpose = 'state' | 'session' | 'store' | 'deletion';

/** A source of random bytes (`crypto.randomBytes` by default; injectable for tests). */
export type RandomBytes = (size: number) => Uint8Array;

/** Node's CSPRNG. */
export const randomBytes: RandomBytes = nodeRandomBytes;

/** `bytes` as unpadded base64url. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** SHA-256 of `text` (UTF-8), base64url. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** True when `a` and `b` are equal, in time that depends on neither (both are hashed first, so lengths leak nothing). */
export function equalSecrets(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** True when two byte strings are equal, in constant time for equal lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HMAC-SHA256 of `data` under `key`. */
export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * A 256-bit key derived from `secret` for `purpose` (HKDF-SHA256). `binding` (the app's client id) goes into the
 * derivation, so two apps that share a `secret` cannot read each other's cookies or stored tokens.
 */
export function deriveKey(secret: string, purpose: KeyPurpose, binding = ''): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'threads-auth', `threads-auth/${purpose}/v2/${binding}`, 32));
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: base64url(iv ‖ ciphertext ‖ tag) of `plaintext` (text as UTF-8, or bytes) under `key`, with a fresh random 96-bit IV. */
export function encrypt(key: Uint8Array, plaintext: string | Uint8Array, random: RandomBytes): string {
  const iv = random(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([iv, body, final, cipher.getAuthTag()]).toString('base64url');
}

/** The plaintext bytes of a value made by {@link encrypt} under one of `keys` (and the index of that key), or `undefined`. */
export function decrypt(keys: readonly Uint8Array[], sealed: string): { readonly plaintext: Buffer; readonly keyIndex: number } | undefined {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys[keyIndex]!, iv);
      decipher.setAuthTag(tag);
      return { plaintext: Buffer.concat([decipher.update(body), decipher.final()]), keyIndex };
    } catch {
      // wrong key or tampered: try the next one
    }
  }
  return undefined;
}
