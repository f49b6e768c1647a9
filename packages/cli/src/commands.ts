/**
 * The commands other than `login`: `token`, `refresh`, `inspect`, `app-token`, `import`, `doctor`. Each returns
 * what to print for a person and for `--json`; the protocol is core's.
 *
 * @module
 */
import { fetchAppToken, isThreadsAuthError, refreshLongLivedToken, type ThreadsToken, type TokenIntrospection } from '@threads-auth/core';
import { CliError, type ExitReason } from './cli-error.js';
import { loopbackTarget } from './loopback-server.js';
import { currentToken, openAuth, pickUser, type CliIO, type Opened, type Settings } from './settings.js';

/** What a command prints: `human` for a person (stdout), `json` for `--json`, and how it exits. */
export interface CommandResult {
  readonly human: string;
  readonly json: unknown;
  readonly exit?: ExitReason;
}

const DAY = 86_400_000;

/** `2026-12-31T10:00:00.000Z (in 59 days)`. */
export function when(date: Date, now: number): string {
  const ms = date.getTime() - now;
  const days = Math.round(Math.abs(ms) / DAY);
  const hours = Math.round(Math.abs(ms) / 3_600_000);
  const span = days >= 2 ? `${days} days` : `${hours} hour${hours === 1 ? '' : 's'}`;
  return `${date.toISOString()} (${ms >= 0 ? `in ${span}` : `${span} ago`})`;
}

/** The JSON form of a token, without the token unless `withToken`. */
export function tokenJson(token: ThreadsToken, withToken: boolean): Record<string, unknown> {
  return {
    ...(withToken ? { accessToken: token.accessToken } : {}),
    userId: token.userId,
    scopes: token.scopes,
    issuedAt: token.issuedAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
  };
}

/** The lines saying what a stored token is. */
export function describeToken(token: ThreadsToken, settings: Settings): string[] {
  return [
    `User:     ${token.userId}`,
    `Scopes:   ${token.scopes.join(', ') || '(none)'}`,
    `Expires:  ${when(token.expiresAt, settings.now())}; \`threads-auth token\` refreshes it before then`,
    `File:     ${settings.file}`,
  ];
}

function warn(io: CliIO, opened: Opened): void {
  for (const warning of opened.warnings) {
    io.stderr.write(`threads-auth: warning: ${warning.message} (the current token is still valid; it will be retried)\n`);
  }
}

/** `token`: a valid token on stdout and nothing else. */
export async function tokenCommand(settings: Settings, io: CliIO, user: string | undefined): Promise<CommandResult> {
  const opened = openAuth(settings);
  const token = await currentToken(opened, settings, await pickUser(opened, settings, user));
  warn(io, opened);
  return { human: `${token.accessToken}\n`, json: tokenJson(token, true) };
}

/** `refresh`: refreshes the stored token now (Threads allows it once the token is 24 hours old). */
export async function refreshCommand(settings: Settings, user: string | undefined): Promise<CommandResult> {
  const opened = openAuth(settings);
  const { auth, store } = opened;
  const userId = await pickUser(opened, settings, user);
  // The lock core's lifecycle takes: held here, a concurrent `token` serves the current token instead of
  // refreshing it too, and so does the getToken below.
  const release = await store.acquireLock(`refresh:${userId}`, 60_000);
  if (release === null) throw new CliError('failed', 'another threads-auth process is refreshing this token right now; try again in a minute');
  let token: ThreadsToken;
  try {
    const current = await currentToken(opened, settings, userId);
    const age = settings.now() - current.issuedAt.getTime();
    if (age < DAY) {
      throw new CliError('failed', `Threads refreshes a token only once it is 24 hours old; this one was issued ${Math.floor(age / 3_600_000)} h ago (it is valid until ${current.expiresAt.toISOString()})`);
    }
    const refreshed = await refreshLongLivedToken(auth.client, current.accessToken);
    token = (await auth.adoptToken({ accessToken: refreshed.accessToken, userId })).token;
  } catch (error) {
    if (isThreadsAuthError(error) && error.code === 'token_expired') {
      await auth.revoke(userId);
      throw new CliError('login_required', 'Threads refused to refresh the token (expired, app removed or password changed): run `threads-auth login`');
    }
    throw error;
  } finally {
    await release();
  }
  return { human: ['Refreshed.', ...describeToken(token, settings)].join('\n') + '\n', json: tokenJson(token, false) };
}

function introspectionJson(info: TokenIntrospection): Record<string, unknown> {
  const iso = (d: Date | undefined) => d?.toISOString() ?? null;
  return {
    type: info.type ?? null,
    application: info.application ?? null,
    isValid: info.isValid,
    userId: info.userId ?? null,
    scopes: info.scopes,
    issuedAt: iso(info.issuedAt),
    expiresAt: iso(info.expiresAt),
    dataAccessExpiresAt: iso(info.dataAccessExpiresAt),
    error: info.error === undefined ? null : { code: info.error.code ?? null, subcode: info.error.subcode ?? null, message: info.error.message ?? null },
  };
}

/** `inspect`: what debug_token says about the stored token (or `--token`'s). */
export async function inspectCommand(settings: Settings, io: CliIO, user: string | undefined, given: string | undefined): Promise<CommandResult> {
  const opened = openAuth(settings);
  const accessToken = given ?? (await currentToken(opened, settings, await pickUser(opened, settings, user))).accessToken;
  warn(io, opened);
  const info = await opened.auth.inspect(accessToken);
  const now = settings.now();
  const lines = [
    `Valid:        ${info.isValid ? 'yes' : `no${info.error?.message ? ` (${info.error.message})` : ''}`}`,
    `Type:         ${info.type ?? '?'}${info.application ? ` token of ${info.application}` : ''}`,
    `User:         ${info.userId ?? '?'}`,
    `Scopes:       ${info.scopes.join(', ') || '(none)'}`,
    ...(info.issuedAt ? [`Issued:       ${when(info.issuedAt, now)}`] : []),
    `Expires:      ${info.expiresAt ? when(info.expiresAt, now) : 'never'}`,
    ...(info.dataAccessExpiresAt ? [`Data access:  until ${when(info.dataAccessExpiresAt, now)} (renewed when the user signs in again)`] : []),
  ];
  return { human: `${lines.join('\n')}\n`, json: introspectionJson(info), ...(info.isValid ? {} : { exit: 'login_required' as const }) };
}

/** `app-token`: the app access token (client_credentials) on stdout. */
export async function appTokenCommand(settings: Settings): Promise<CommandResult> {
  const { auth } = openAuth(settings);
  const token = await auth.getAppToken();
  return { human: `${token}\n`, json: { accessToken: token } };
}

/** `import`: adopts a token obtained elsewhere. */
export async function importCommand(settings: Settings, token: string): Promise<CommandResult> {
  const opened = openAuth(settings);
  const { token: stored, exchanged } = await opened.auth.adoptToken({ accessToken: token });
  const head = exchanged ? 'Imported a short-lived token and exchanged it for a long-lived one.' : 'Imported a long-lived token.';
  return { human: [head, ...describeToken(stored, settings)].join('\n') + '\n', json: { ...tokenJson(stored, false), exchanged, file: settings.file } };
}

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

/** Says in words what Meta's refusal of client_credentials means. */
function credentialsProblem(error: unknown): string {
  if (!isThreadsAuthError(error)) return `could not check the credentials: ${(error as Error).message}`;
  const code = error.meta?.code;
  const metaMessage = error.meta?.message ?? '';
  if (code === 1349026 || code === 4476002 || /no application data/i.test(metaMessage)) {
    return 'Threads does not know this app id: it is probably the Meta App ID. Use the Threads App ID (App Dashboard → App settings → Basic → Threads App ID); the app has two ids and two secrets';
  }
  if (code === 101 || /client secret/i.test(metaMessage)) {
    return 'Threads refused the app id and secret ("Error validating client secret"): the secret is usually the Meta app secret. Use the Threads App secret (App Dashboard → App settings → Basic, the secret beside the Threads App ID), and the Threads App ID with it';
  }
  if (error.code.startsWith('upstream_')) return `could not reach Threads to check the credentials: ${error.message}`;
  return `Threads refused the credentials: ${metaMessage || error.message}`;
}

/** `doctor`: checks the credentials and the redirect URI, and says what to fill in the App Dashboard. */
export async function doctorCommand(settings: Settings): Promise<CommandResult> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, message: string) => checks.push({ name, ok, message });

  if (settings.appId === undefined) add('app_id', false, 'no app id: pass --app-id or set THREADS_APP_ID to the Threads App ID');
  else if (!/^\d+$/.test(settings.appId)) add('app_id', false, `the app id "${settings.appId}" is not numeric: use the Threads App ID (App Dashboard → App settings → Basic)`);
  if (settings.appSecret === undefined) add('app_secret', false, 'no app secret: set THREADS_APP_SECRET to the Threads App secret');
  if (settings.appId !== undefined && settings.appSecret !== undefined) {
    try {
      const { auth } = openAuth(settings);
      await fetchAppToken(auth.client);
      add('credentials', true, 'Threads accepts the app id and secret (client_credentials)');
    } catch (error) {
      if (error instanceof CliError) add('credentials', false, error.message);
      else add('credentials', false, credentialsProblem(error));
    }
  }

  let dashboard: Record<string, string> | undefined;
  const raw = settings.redirectUri;
  if (raw === undefined) {
    add('redirect_uri', false, 'no redirect URI: set THREADS_REDIRECT_URI, e.g. https://localhost:8443/callback/, and register it exactly in the App Dashboard');
  } else {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      add('redirect_uri', false, `"${raw}" is not an absolute URL`);
    }
    if (url !== undefined) {
      const target = loopbackTarget(url);
      if (url.protocol !== 'https:') {
        add('redirect_uri', false, `Meta requires https redirect URIs, localhost included: use ${raw.replace(/^http:/, 'https:')} (login then serves it on its own certificate)`);
      } else if (url.hash !== '') {
        add('redirect_uri', false, 'the redirect URI must not contain a #fragment');
      } else if (target !== undefined && target.port === 443 && url.port === '') {
        add('redirect_uri', false, `no port: login would have to listen on 443, which needs privileges; use e.g. https://${url.hostname}:8443${url.pathname}`);
      } else if (target !== undefined) {
        add('redirect_uri', true, `login serves ${url.href} itself (https on 127.0.0.1${target.hostname === 'localhost' ? ' and ::1' : ''}, port ${target.port}) and finishes when the browser comes back`);
      } else {
        add('redirect_uri', true, `login prints the authorization URL and asks you to paste the address the browser lands on (${url.origin}${url.pathname}?code=…; the page may not exist)`);
      }
      const slash = url.pathname.endsWith('/') ? 'with its trailing slash' : 'without a trailing slash';
      add('redirect_uri_exact', true, `Meta compares redirect URIs exactly: register ${url.href} ${slash}, and keep THREADS_REDIRECT_URI identical`);
      const base = `${url.origin}/auth/threads`;
      dashboard = { redirectCallbackUrl: url.href, uninstallCallbackUrl: `${base}/deauthorize`, deleteCallbackUrl: `${base}/delete` };
    }
  }

  const problems = checks.filter((c) => !c.ok).length;
  const lines = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.message}`);
  if (dashboard !== undefined) {
    lines.push(
      '',
      'In the App Dashboard (your app → Use cases → Access the Threads API → Settings), fill in all three, or it will not save:',
      `  Redirect Callback URLs:  ${dashboard['redirectCallbackUrl']}`,
      `  Uninstall Callback URL:  ${dashboard['uninstallCallbackUrl']}`,
      `  Delete Callback URL:     ${dashboard['deleteCallbackUrl']}`,
      'Meta calls the last two from its servers; a CLI has nothing listening there, and they only need to be https URLs of yours',
      '(these are where a threads-auth web app on that origin answers them). Add your account as a Threads tester (App roles → Roles)',
      'and accept the invite in Threads (Settings → Account → Website permissions → Invites).',
    );
  }
  lines.push('', problems === 0 ? 'No problems found.' : `${problems} problem${problems === 1 ? '' : 's'} found.`);
  return {
    human: `${lines.join('\n')}\n`,
    json: { ok: problems === 0, checks, dashboard: dashboard ?? null },
    ...(problems === 0 ? {} : { exit: 'doctor_problems' as const }),
  };
}
