/**
 * The HTML a browser gets when the middleware answers a failed or cancelled login itself (no `failureRedirect`):
 * what happened, in the error's safe words, and a real link that starts the login again. Small, escaped,
 * accessible (language, title, one heading, a main landmark), and self-contained: no script, no external
 * resource, sent with a Content-Security-Policy that allows none.
 *
 * @module
 */
import type { ThreadsAuthError } from './errors.js';
import type { ErrorOutcome, OutcomeHeaders } from './outcome.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with the five HTML-significant characters escaped, safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The built-in page allows nothing but its own inline style. */
export const ERROR_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE =
  'body{font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#111;background:#fff}' +
  'a{color:#0645ad}a:focus{outline:3px solid #0645ad;outline-offset:2px}small{color:#555}';

/** The page's heading: a cancel is not a failure. */
function headingOf(error: ThreadsAuthError): string {
  return error.code === 'access_denied' ? 'Sign-in cancelled' : 'Sign-in failed';
}

/**
 * The built-in error page for `error`: its heading, its safe message, a link to `loginUrl` that starts the login
 * again, and the error code (to quote when asking for help). Never the developer message.
 */
export function errorPage(error: ThreadsAuthError, loginUrl: string): string {
  const heading = escapeHtml(headingOf(error));
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${heading}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${heading}</h1><p>${escapeHtml(error.safeMessage)}</p>` +
    `<p><a href="${escapeHtml(loginUrl)}">Try signing in again</a></p>` +
    `<p><small>Error code: <code>${escapeHtml(error.code)}</code></small></p></main></body></html>`
  );
}

/** `outcome` answered as the HTML `html`, status and cookies unchanged. */
export function asHtml(outcome: ErrorOutcome, html: string, extra: OutcomeHeaders = {}): ErrorOutcome {
  return { ...outcome, headers: { ...outcome.headers, 'content-type': 'text/html; charset=utf-8', ...extra }, body: html };
}
