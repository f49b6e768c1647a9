/**
 * The plain record every endpoint of the fake answers with, and the few ways it is built. The HTTP server
 * is the only place that writes one to a socket.
 *
 * @module
 */

/** One HTTP answer: status, headers and the exact body text. */
export interface FakeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The content type graph.threads.net sends with every JSON body. */
export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

/**
 * A JSON answer from body text the caller has already serialised.
 *
 * The body is text, not a value, because Meta's code-exchange response carries a number above 2^53 that
 * `JSON.stringify` cannot reproduce.
 */
export function jsonText(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store' }, body };
}

/** A JSON answer serialised with `JSON.stringify`; only for values without ids above 2^53. */
export function json(status: number, value: unknown): FakeResponse {
  return jsonText(status, JSON.stringify(value));
}

/** A `302 Found` to `location`, as Meta's authorization window sends back to the app. */
export function redirect(location: string): FakeResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** A self-contained HTML page that may load nothing from anywhere. */
export function htmlPage(status: number, body: string): FakeResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    },
    body,
  };
}
