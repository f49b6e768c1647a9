/**
 * Same-site redirect targets: `?returnTo=` is honoured only when it stays on the app's own origin.
 *
 * @module
 */

/**
 * The path (with query) that `returnTo` designates when it stays on `origin`, or `undefined` for anything
 * that could leave the site: other origins, protocol-relative `//host`, backslash tricks, control
 * characters, `javascript:` and other schemes.
 */
export function sameSiteTarget(returnTo: string | null | undefined, origin: string): string | undefined {
  if (typeof returnTo !== 'string' || returnTo.length === 0 || returnTo.length > 2048) return undefined;
  // Browsers treat "\" like "/" and drop tabs and newlines, so "/\evil.com" and "/\t/evil.com" would leave the site.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(returnTo)) return undefined;
  let url: URL;
  try {
    url = new URL(returnTo, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  if (!returnTo.startsWith('/') && !returnTo.startsWith(`${origin}/`) && returnTo !== origin) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `target` with `?error=<code>` (or `&error=`) appended. */
export function withErrorParameter(target: string, code: string): string {
  const hash = target.indexOf('#');
  const base = hash === -1 ? target : target.slice(0, hash);
  const fragment = hash === -1 ? '' : target.slice(hash);
  return `${base}${base.includes('?') ? '&' : '?'}error=${encodeURIComponent(code)}${fragment}`;
}
