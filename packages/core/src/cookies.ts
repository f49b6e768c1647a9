/**
 * The two cookies threads-auth sets: a short-lived, sealed `state` cookie for a pending login and a
 * sealed `session` cookie. Both HttpOnly, SameSite=Lax, Path=/; Secure (with the `__Host-` prefix) when
 * the redirect URI is https.
 *
 * @module
 */

// RFC 6265 §4.1.1: a cookie-name is a token; a cookie-value is cookie-octets (%x21 / %x23-2B / %x2D-3A / %x3C-5B /
// %x5D-7E). `%` (%x25) is left out too, so readCookie's decodeURIComponent gives back exactly what was set.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_OCTETS = /^[\x21\x23\x24\x26-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** One `Set-Cookie` header to send. Adapters send each as its own header, never joined. */
export interface SetCookie {
  readonly name: string;
  /** Empty when clearing. */
  readonly value: string;
  /** Seconds; 0 clears the cookie. */
  readonly maxAge: number;
  /** The full `Set-Cookie` header value. */
  readonly header: string;
}

/** The cookie names in use. */
export interface CookieNames {
  readonly state: string;
  readonly session: string;
}

/** Names for the given security mode: `__Host-` prefixed when cookies are Secure. */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return { state: `${prefix}threads_auth_state`, session: `${prefix}threads_auth_session` };
}

/**
 * Builds a `Set-Cookie` instruction. `maxAge` 0 clears the cookie (and sends a 1970 `Expires` for agents that
 * ignore `Max-Age`). Written here rather than taken from a cookie library: the shape is fixed (our own names,
 * base64url values, five attributes), and it keeps core free of a dependency whose Node floor may move.
 *
 * @throws TypeError when `name` is not a cookie token or `maxAge` is not a non-negative integer.
 */
export function setCookie(name: string, value: string, maxAge: number, secure: boolean): SetCookie {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`cookie name is invalid: ${name}`);
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError(`cookie maxAge must be a non-negative integer, got ${maxAge}`);
  const encoded = COOKIE_OCTETS.test(value) ? value : encodeURIComponent(value);
  const expires = maxAge === 0 ? '; Expires=Thu, 01 Jan 1970 00:00:00 GMT' : '';
  const header = `${name}=${encoded}; Max-Age=${maxAge}; Path=/${expires}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax`;
  return { name, value, maxAge, header };
}

/**
 * Reads one cookie from a `Cookie` header (or the array Node gives for repeated headers). Scans for
 * `name=` at a cookie boundary instead of parsing every cookie: this runs on every request, and most of a
 * site's cookies are not ours.
 */
export function readCookie(header: string | readonly string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const text = typeof header === 'string' ? header : header.join('; ');
  for (let from = 0; ; ) {
    const at = text.indexOf(name, from);
    if (at === -1) return undefined;
    from = at + name.length;
    const before = at === 0 ? 59 : text.charCodeAt(at - 1);
    // 59 ";", 32 " ", 9 tab: a cookie boundary, so "threads_auth_session" does not match "__Host-threads_auth_session".
    if ((before !== 59 && before !== 32 && before !== 9) || text.charCodeAt(from) !== 61) continue;
    const end = text.indexOf(';', from);
    let value = text.slice(from + 1, end === -1 ? text.length : end).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!value.includes('%')) return value;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
}
