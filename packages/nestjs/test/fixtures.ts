/** What the Nest-specific e2e tests share: the fake Threads server's options, a Nest app on port 0, a browser. */
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ThreadsAuthOptions } from '@threads-auth/core';
import type { FakeThreads } from '@threads-auth/testing';

/** The origin the apps believe they are served from; {@link Browser} rewrites it to the real port. */
// Loopback, as http redirect URIs must be (threads-auth refuses http elsewhere: cookies would lack Secure).
export const APP_ORIGIN = 'http://localhost:3000';
export const SECRET = 'nestjs-adapter-test-secret-0123456789abcdef';

/** Options pointing at `fake`, with a redirect URI on {@link APP_ORIGIN}. */
export function threadsOptions(fake: FakeThreads, extra: Partial<ThreadsAuthOptions> = {}): ThreadsAuthOptions {
  return {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: `${APP_ORIGIN}/auth/threads/callback`,
    secret: SECRET,
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.url,
    retry: { delayMs: 0 },
    timeoutMs: 2_000,
    ...extra,
  };
}

/** A Nest application listening on an ephemeral loopback port. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly origin: string;
  browser(): Browser;
  close(): Promise<void>;
}

/** Creates `module`'s application (errors reject instead of aborting the process) and listens on port 0. */
export async function startApp(module: Type<unknown>, configure?: (app: INestApplication) => void): Promise<RunningApp> {
  const app = await NestFactory.create(module, { logger: false, abortOnError: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, origin, browser: () => new Browser(origin), close: () => app.close() };
}

/** A browser with a cookie jar that never follows redirects. */
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** Requests `path`, or an absolute URL on {@link APP_ORIGIN} (sent to the real origin). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path.startsWith(APP_ORIGIN) ? path.slice(APP_ORIGIN.length) : path, this.origin);
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0(;|$)/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** GETs `path` and parses the JSON body; throws on another status than 200. */
  async json<T>(path: string): Promise<T> {
    const response = await this.fetch(path);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Login → consent on the fake → callback; resolves the callback's response (302 to `successRedirect`). */
  async signIn(fake: FakeThreads, loginPath = '/auth/threads/login'): Promise<Response> {
    const login = await this.fetch(loginPath);
    const authorizeUrl = login.headers.get('location');
    if (login.status !== 302 || authorizeUrl === null) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const callback = await this.fetch((await fake.approve(authorizeUrl, 'allow')).replace(/#.*$/, ''));
    if (callback.status !== 302) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
    return callback;
  }
}
