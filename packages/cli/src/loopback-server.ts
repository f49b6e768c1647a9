/**
 * The loopback login's own https server: it serves the redirect URI (`https://localhost:<port>/…` or
 * `https://127.0.0.1:<port>/…`) on loopback only, takes the one redirect Threads sends the browser to, and
 * answers the browser once the login has finished.
 *
 * @module
 */
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { LoopbackCertificate } from './certificate.js';
import { CliError } from './cli-error.js';

/** Where the loopback login listens. */
export interface LoopbackTarget {
  /** `localhost`, `127.0.0.1` or `[::1]`, as written in the redirect URI. */
  readonly hostname: string;
  readonly port: number;
  readonly pathname: string;
}

/** The loopback target of `redirectUri`, or `undefined` when it is not an https loopback URL. */
export function loopbackTarget(redirectUri: URL): LoopbackTarget | undefined {
  if (redirectUri.protocol !== 'https:') return undefined;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(redirectUri.hostname)) return undefined;
  return { hostname: redirectUri.hostname, port: redirectUri.port === '' ? 443 : Number(redirectUri.port), pathname: redirectUri.pathname };
}

/** A running callback server. */
export interface CallbackServer {
  /** The query of the first request to the redirect path that carries `code` or `error`. */
  readonly callback: Promise<URLSearchParams>;
  /** Answers the browser that brought the callback, then stops listening. */
  finish(ok: boolean, message: string): Promise<void>;
  /** Stops listening without answering (timeout, failure). Idempotent. */
  close(): Promise<void>;
}

function page(title: string, message: string): string {
  const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${html(title)}</title><body style="font:16px system-ui;max-width:32rem;margin:4rem auto"><h1>${html(title)}</h1><p>${html(message)}</p></body></html>`;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts serving `target` with `certificate`.
 * @throws {CliError} `usage` when the port is taken or needs privileges.
 */
export async function startCallbackServer(target: LoopbackTarget, certificate: LoopbackCertificate): Promise<CallbackServer> {
  let pending: ServerResponse | undefined;
  let received = false;
  let deliver!: (query: URLSearchParams) => void;
  const callback = new Promise<URLSearchParams>((resolve) => {
    deliver = resolve;
  });
  const handler = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://loopback.invalid');
    const html = (status: number, title: string, message: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end(page(title, message));
    };
    if (req.method !== 'GET' || url.pathname !== target.pathname) return html(404, 'Not found', 'This is the threads-auth login callback; nothing else is served here.');
    if (!url.searchParams.has('code') && !url.searchParams.has('error')) {
      return html(400, 'Waiting for Threads', 'This address receives the redirect from Threads after you click Allow.');
    }
    if (received) return html(409, 'Already received', 'The login already received its callback; return to your terminal.');
    received = true;
    pending = res;
    deliver(url.searchParams);
  };
  const servers: Server[] = [];
  const hosts = target.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [target.hostname === '[::1]' ? '::1' : '127.0.0.1'];
  for (const [i, host] of hosts.entries()) {
    const server = createServer({ key: certificate.key, cert: certificate.cert }, handler);
    try {
      await listen(server, host, target.port);
      servers.push(server);
    } catch (error) {
      // `localhost` also answers on ::1 when the machine has IPv6; the first address is the one that must work.
      if (i > 0) continue;
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError('usage', `port ${target.port} is in use: stop what listens there, or pick another port in the redirect URI (and in the App Dashboard)`);
      if (code === 'EACCES') throw new CliError('usage', `port ${target.port} needs privileges: use a port above 1024, e.g. https://localhost:8443${target.pathname}`);
      throw error;
    }
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  };
  return {
    callback,
    async finish(ok, message) {
      const res = pending;
      if (res !== undefined && !res.writableEnded) {
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
        await new Promise<void>((resolve) => res.end(page(ok ? 'Signed in to Threads' : 'Sign-in failed', message), () => resolve()));
      }
      await close();
    },
    close,
  };
}
