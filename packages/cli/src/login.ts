/**
 * `threads-auth login`, in protocol order: the authorization URL (with a fresh state) → the browser's
 * redirect, received by our own https server on a loopback redirect URI or pasted by the user → code exchange
 * (state checked) → long-lived exchange → debug_token and save (core's `adoptToken`). Every protocol step is
 * core's; this file only moves the redirect from the browser to core.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { buildAuthorizationUrl, exchangeCode, exchangeForLongLivedToken, isThreadsAuthError, type ThreadsToken } from '@threads-auth/core';
import { openBrowser } from './browser.js';
import { loopbackCertificate } from './certificate.js';
import { CliError } from './cli-error.js';
import { loopbackTarget, startCallbackServer } from './loopback-server.js';
import type { CliIO, Opened } from './settings.js';

/** What `login` needs beyond the instance. */
export interface LoginRequest {
  readonly scopes: readonly string[];
  /** Read the redirect from standard input even for a loopback redirect URI. */
  readonly paste: boolean;
  readonly open: boolean;
  readonly timeoutMs: number;
}

/** What `login` came to. */
export interface LoginResult {
  readonly token: ThreadsToken;
  /** Requested scopes that the user did not grant. */
  readonly missingScopes: readonly string[];
}

/**
 * The query of what the user pasted: the whole address the browser landed on (the page may not exist), or
 * just its query. Meta's `#_` and any other fragment are dropped.
 * @throws {CliError} `login_failed` when it carries neither `code` nor `error`.
 */
export function pastedQuery(text: string, redirectUri: string): URLSearchParams {
  const line = text.trim();
  let query: URLSearchParams;
  if (/^https?:\/\//i.test(line)) {
    try {
      query = new URL(line).searchParams;
    } catch {
      query = new URLSearchParams();
    }
  } else {
    query = new URLSearchParams(line.split('#')[0]!.replace(/^\?/, ''));
  }
  if (!query.has('code') && !query.has('error')) {
    throw new CliError('login_failed', `that address has no code: after clicking Allow, paste the address the browser shows (it starts with ${redirectUri}?code=)`);
  }
  return query;
}

/** A pasted address is far shorter; more without a newline is not one. */
const MAX_LINE = 16 * 1024;

/** The first non-empty line of `input`; an error after `timeoutMs`, at the end of input, or past {@link MAX_LINE}. */
function readLine(input: NodeJS.ReadableStream, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => done(new CliError('login_failed', `no address was pasted within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onData = (chunk: Buffer | string) => {
      buffered += String(chunk);
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() !== '') return done(line);
      }
      if (buffered.length > MAX_LINE) done(new CliError('login_failed', 'the pasted input is not an address (too long)'));
    };
    const onEnd = () => (buffered.trim() !== '' ? done(buffered) : done(new CliError('login_failed', 'standard input ended before an address was pasted')));
    const onError = (error: Error) => done(error);
    const done = (result: string | Error) => {
      clearTimeout(timer);
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      // A pipe on stdin that the other side keeps open would otherwise hold the process after the command.
      input.pause();
      (input as { unref?: () => void }).unref?.();
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError('login_failed', message)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the whole login and saves the token. */
export async function login(opened: Opened, request: LoginRequest, io: CliIO): Promise<LoginResult> {
  const { auth } = opened;
  const client = auth.client;
  const redirectUri = new URL(client.redirectUri);
  const state = randomBytes(32).toString('base64url');
  const authorizationUrl = buildAuthorizationUrl(client, { state, scopes: request.scopes }).href;
  const target = request.paste ? undefined : loopbackTarget(redirectUri);
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const seconds = Math.round(request.timeoutMs / 1000);

  let query: URLSearchParams;
  let finish: (ok: boolean, message: string) => Promise<void> = async () => {};
  if (target !== undefined) {
    const certificate = await loopbackCertificate();
    const server = await startCallbackServer(target, certificate);
    finish = server.finish;
    say(`Waiting for Threads to redirect to ${redirectUri.href} (served here on a ${certificate.issuer} certificate; up to ${seconds} s).`);
    if (certificate.issuer === 'self-signed') say('Your browser will warn about the certificate once: it is this command\'s own, for localhost only. Continue past the warning.');
    say(`Open this URL to sign in:\n\n  ${authorizationUrl}\n`);
    if (request.open && !(await openBrowser(authorizationUrl))) say('(No browser could be opened: open the URL above yourself.)');
    try {
      query = await withTimeout(server.callback, request.timeoutMs, `no redirect arrived within ${seconds} s`);
    } catch (error) {
      await server.close();
      throw error;
    }
  } else {
    say(`Open this URL in a browser, sign in and click Allow:\n\n  ${authorizationUrl}\n`);
    say(`The browser then lands on ${redirectUri.href}?code=… (the page may not exist; that is fine).`);
    say('Paste that whole address here and press Enter:');
    if (request.open) await openBrowser(authorizationUrl);
    query = pastedQuery(await readLine(io.stdin, request.timeoutMs), redirectUri.href);
  }

  try {
    const short = await exchangeCode(client, query, { expectedState: state });
    const long = await exchangeForLongLivedToken(client, short.accessToken);
    const { token } = await auth.adoptToken({ accessToken: long.accessToken, userId: short.userId });
    await finish(true, 'You can close this tab and return to your terminal.');
    return { token, missingScopes: request.scopes.filter((s) => !token.scopes.includes(s)) };
  } catch (error) {
    await finish(false, `${isThreadsAuthError(error) ? error.safeMessage : 'The sign-in failed.'} See your terminal.`);
    throw error;
  }
}
