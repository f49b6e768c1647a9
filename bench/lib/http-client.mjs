/**
 * The few HTTP requests run.mjs makes itself (logins, checks, the stampede), with node:http so that each
 * request's timing and connection are explicit.
 */
import { Agent, request } from 'node:http';

/** A keep-alive agent for sequential requests (the login loop), so connection setup is not timed. */
export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * GET `url` and read the whole answer.
 *
 * @param {string | URL} url
 * @param {{ cookie?: string, agent?: Agent | false }} [options] - `agent: false` opens a fresh connection.
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, setCookies: string[], body: string, headersAtMs: number, startedAtMs: number }>}
 */
export function get(url, { cookie, agent = keepAliveAgent } = {}) {
  return new Promise((resolve, reject) => {
    const startedAtMs = performance.now();
    const req = request(url, { method: 'GET', agent, headers: cookie === undefined ? {} : { cookie } }, (res) => {
      // Headers are in: the status line and Location are known, which is what "received the 302" means.
      const headersAtMs = performance.now();
      const chunks = [];
      res.setEncoding('utf8');
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, setCookies: res.headers['set-cookie'] ?? [], body: chunks.join(''), headersAtMs, startedAtMs }),
      );
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url}: no answer within 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** `name=value` of the cookie `name` among `Set-Cookie` headers, or undefined (also when it is being cleared). */
export function cookieFrom(setCookies, name) {
  for (const header of setCookies) {
    const pair = header.split(';', 1)[0];
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name && pair.slice(eq + 1) !== '') return pair.trim();
  }
  return undefined;
}
