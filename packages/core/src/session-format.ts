/**
 * The session cookie's compact payload: the same fields as the JSON `{k, s, i, r}` / `{u, s, i, r}` it replaces,
 * as bytes (no field names, the session id as its 16 random bytes, times as 48-bit integers). It is sealed like
 * any other value (AES-256-GCM), only shorter: the cookie is read, and its value hashed into the session cache, on
 * every request. A cookie sealed as JSON (before this format) is still read: its form is here too.
 *
 * Layout: tag (1 = cookie mode: a token, 2 = store mode: a reference) ‖ session id (16 bytes) ‖ started (u48) ‖
 * renewed (u48) ‖ then for tag 1: issued (u48) ‖ expires (u48) ‖ access token ‖ user id ‖ scope count (u8) ‖
 * scopes; for tag 2: user id. Each string is a LEB128 length and its UTF-8 bytes.
 *
 * @module
 */
import type { TokenRecord } from './token.js';

/** What a session cookie carries: the session, and the token (cookie mode) or the user (store mode). */
export interface CookiePayload {
  readonly id: string;
  readonly startedAt: number;
  readonly renewedAt: number;
  readonly userId: string;
  /** Cookie mode: the token the cookie holds. */
  readonly record?: TokenRecord;
}

const TOKEN = 1;
const REFERENCE = 2;
const ID_BYTES = 16;
const MAX_TIME = 2 ** 48;
const SURROGATE = /[\uD800-\uDFFF]/;

const isTime = (n: number) => Number.isSafeInteger(n) && n >= 0 && n < MAX_TIME;
/** Strings the compact form keeps exactly (UTF-8 cannot carry a lone surrogate; JSON can). */
const isText = (s: string) => !SURROGATE.test(s);

/** The compact bytes of `p`, or `undefined` when a field has no exact compact form (then seal it as JSON). */
export function encodeCookiePayload(p: CookiePayload): Buffer | undefined {
  const id = Buffer.from(p.id, 'base64url');
  if (id.length !== ID_BYTES || id.toString('base64url') !== p.id || !isTime(p.startedAt) || !isTime(p.renewedAt)) return undefined;
  const r = p.record;
  const strings = r === undefined ? [p.userId] : [r.accessToken, r.userId, ...r.scopes];
  if (!strings.every(isText) || (r !== undefined && (!isTime(r.issuedAt) || !isTime(r.expiresAt) || r.scopes.length > 255))) return undefined;
  const parts: Buffer[] = [Buffer.from([r === undefined ? REFERENCE : TOKEN]), id, u48(p.startedAt), u48(p.renewedAt)];
  if (r !== undefined) parts.push(u48(r.issuedAt), u48(r.expiresAt));
  strings.forEach((s, i) => {
    if (r !== undefined && i === 2) parts.push(Buffer.from([r.scopes.length]));
    const bytes = Buffer.from(s, 'utf8');
    parts.push(leb128(bytes.length), bytes);
  });
  if (r !== undefined && r.scopes.length === 0) parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * What compact `bytes` carry, or `undefined` when they are not the compact form (a JSON payload starts with `{`)
 * or do not parse exactly to the end.
 */
export function decodeCookiePayload(bytes: Buffer): CookiePayload | undefined {
  const tag = bytes[0];
  if ((tag !== TOKEN && tag !== REFERENCE) || bytes.length < 1 + ID_BYTES + 12) return undefined;
  const id = bytes.subarray(1, 1 + ID_BYTES).toString('base64url');
  let at = 1 + ID_BYTES;
  const time = () => {
    const n = bytes.readUIntBE(at, 6);
    at += 6;
    return n;
  };
  const text = (): string | undefined => {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      if (b === undefined || shift > 14) return undefined;
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    const from = at;
    at += length;
    return at > bytes.length ? undefined : bytes.toString('utf8', from, at);
  };
  try {
    const startedAt = time();
    const renewedAt = time();
    if (tag === REFERENCE) {
      const userId = text();
      return userId === undefined || at !== bytes.length ? undefined : { id, startedAt, renewedAt, userId };
    }
    const issuedAt = time();
    const expiresAt = time();
    const accessToken = text();
    const userId = text();
    const count = bytes[at++];
    if (accessToken === undefined || userId === undefined || count === undefined) return undefined;
    const scopes: string[] = [];
    for (let i = 0; i < count; i++) {
      const scope = text();
      if (scope === undefined) return undefined;
      scopes.push(scope);
    }
    if (at !== bytes.length) return undefined;
    return { id, startedAt, renewedAt, userId, record: { accessToken, userId, scopes, issuedAt, expiresAt } };
  } catch {
    // readUIntBE past the end
    return undefined;
  }
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(out);
}

/** True when an unsealed value has the shape of a {@link TokenRecord}. */
export function isTokenRecord(value: unknown): value is TokenRecord {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' && r !== null && typeof r['accessToken'] === 'string' && typeof r['userId'] === 'string' &&
    Array.isArray(r['scopes']) && typeof r['issuedAt'] === 'number' && typeof r['expiresAt'] === 'number'
  );
}

/** The JSON form of a session cookie (sealed before the compact one, and still for values it cannot carry). */
export interface CookieFields {
  readonly k?: unknown;
  readonly u?: unknown;
  readonly s?: unknown;
  readonly i?: unknown;
  readonly r?: unknown;
}

/** The JSON fields of `p`: cookie mode `{k, s, i, r}`, store mode `{u, s, i, r}`. */
export function toJson(p: CookiePayload): CookieFields {
  return p.record !== undefined ? { k: p.record, s: p.id, i: p.startedAt, r: p.renewedAt } : { u: p.userId, s: p.id, i: p.startedAt, r: p.renewedAt };
}

/** What a JSON-sealed cookie carries, or `undefined` when it is not one. */
export function fromJson(bytes: Buffer): CookiePayload | undefined {
  let f: CookieFields;
  try {
    f = JSON.parse(bytes.toString('utf8')) as CookieFields;
  } catch {
    return undefined;
  }
  if (typeof f !== 'object' || f === null || typeof f.s !== 'string' || typeof f.i !== 'number' || typeof f.r !== 'number') return undefined;
  if (isTokenRecord(f.k)) return { id: f.s, startedAt: f.i, renewedAt: f.r, userId: f.k.userId, record: f.k };
  return typeof f.u === 'string' && f.k === undefined ? { id: f.s, startedAt: f.i, renewedAt: f.r, userId: f.u } : undefined;
}
