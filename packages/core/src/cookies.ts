/**
 * The two cookies threads-auth sets: a short-lived, sealed `state` cookie for a pending login and a
 * sealed `session` cookie. Both HttpOnly, SameSite=Lax, Path=/; Secure (with the `__Host-` prefix) when
 * the redirect URI is https.
 *
 * @module
 */
import { parseCookie, stringifySetCookie } from 'cookie';

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

/** Reads one cookie from a `Cookie` header (or the array Node gives for repeated headers). */
export function readCookie(header: string | readonly string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const text = typeof header === 'string' ? header : header.join('; ');
  // Cheap pre-check: most requests do not carry our cookies at all.
  if (!text.includes(name)) return undefined;
  return parseCookie(text)[name];
}
