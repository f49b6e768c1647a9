/**
 * The two cookies threads-auth sets: a short-lived, sealed `state` cookie for a pending login and a
 * sealed `session` cookie. Both HttpOnly, SameSite=Lax, Path=/; Secure (with the `__Host-` prefix) when
 * the redirect URI is https.
 *
 * @module
 */
import { stringifySetCookie } from 'cookie';

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

/** Builds a `Set-Cookie` instruction. `maxAge` 0 clears the cookie. */
export function setCookie(name: string, value: string, maxAge: number, secure: boolean): SetCookie {
  const header = stringifySetCookie({
    name,
    value,
    maxAge,
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'lax',
    ...(maxAge === 0 ? { expires: new Date(0) } : {}),
  });
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
