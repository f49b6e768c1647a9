/**
 * What every command reads from its flags and the environment, and the threads-auth instance it builds over
 * the token file.
 *
 * @module
 */
import { createThreadsAuth, ThreadsAuthOptionError, type ThreadsAuth, type ThreadsToken } from '@threads-auth/core';
import { CliError } from './cli-error.js';
import { FileTokenStore } from './file-token-store.js';
import { defaultTokenFile, tokenFileSecret } from './token-file.js';

/** The flags every command takes (`node:util` `parseArgs` options). */
export const COMMON_FLAGS = {
  'app-id': { type: 'string' },
  'app-secret': { type: 'string' },
  'redirect-uri': { type: 'string' },
  'authorization-url': { type: 'string' },
  'graph-url': { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where the CLI reads and writes. */
export interface CliIO {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The settings of one run. */
export interface Settings {
  readonly appId: string | undefined;
  readonly appSecret: string | undefined;
  readonly redirectUri: string | undefined;
  readonly authorizationUrl: string | undefined;
  readonly graphUrl: string | undefined;
  readonly file: string;
  readonly json: boolean;
  /** The clock. `THREADS_AUTH_NOW` (ms or ISO time) shifts it, to test against a fake whose clock was moved. */
  readonly now: () => number;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** Reads the common flags, falling back to the environment. */
export function readSettings(values: Record<string, unknown>, env: CliIO['env']): Settings {
  const flag = (name: string) => nonEmpty(values[name] as string | undefined);
  const nowSetting = nonEmpty(env['THREADS_AUTH_NOW']);
  let now: () => number = Date.now;
  if (nowSetting !== undefined) {
    const at = /^\d+$/.test(nowSetting) ? Number(nowSetting) : Date.parse(nowSetting);
    if (!Number.isFinite(at)) throw new CliError('usage', 'THREADS_AUTH_NOW must be a time in ms since the epoch or an ISO date');
    const offset = at - Date.now();
    now = () => Date.now() + offset;
  }
  return {
    appId: flag('app-id') ?? nonEmpty(env['THREADS_APP_ID']),
    appSecret: flag('app-secret') ?? nonEmpty(env['THREADS_APP_SECRET']),
    redirectUri: flag('redirect-uri') ?? nonEmpty(env['THREADS_REDIRECT_URI']),
    authorizationUrl: flag('authorization-url') ?? nonEmpty(env['THREADS_AUTHORIZATION_URL']),
    graphUrl: flag('graph-url') ?? nonEmpty(env['THREADS_GRAPH_URL']),
    file: flag('file') ?? defaultTokenFile(env),
    json: values['json'] === true,
    now,
  };
}

/** The instance of one command, over the token file. */
export interface Opened {
  readonly auth: ThreadsAuth;
  readonly store: FileTokenStore;
  /** Failures that did not fail the command (a transient refresh failure), to warn about. */
  readonly warnings: Error[];
}

/**
 * Builds the instance. Only `login` and `doctor` use the redirect URI; the other commands work without one.
 * @throws {CliError} `usage` naming the missing flag and variable.
 */
export function openAuth(settings: Settings, options: { readonly scopes?: readonly string[]; readonly needsRedirect?: boolean } = {}): Opened {
  if (settings.appId === undefined) {
    throw new CliError('usage', 'missing the Threads App ID: pass --app-id or set THREADS_APP_ID (App Dashboard → App settings → Basic → Threads App ID)');
  }
  if (settings.appSecret === undefined) {
    throw new CliError('usage', 'missing the Threads App secret: set THREADS_APP_SECRET (or pass --app-secret) (App Dashboard → App settings → Basic → Threads App secret)');
  }
  if (options.needsRedirect === true && settings.redirectUri === undefined) {
    throw new CliError('usage', 'missing the redirect URI: pass --redirect-uri or set THREADS_REDIRECT_URI, e.g. https://localhost:8443/callback/ (registered in the App Dashboard)');
  }
  const store = new FileTokenStore(settings.file, { now: settings.now });
  const warnings: Error[] = [];
  try {
    const auth = createThreadsAuth({
      clientId: settings.appId,
      clientSecret: settings.appSecret,
      // Refresh, debug_token and client_credentials never send it; only the login does.
      redirectUri: settings.redirectUri ?? 'https://localhost/callback',
      secret: tokenFileSecret(settings.appSecret),
      store,
      now: settings.now,
      onError: (error) => warnings.push(error),
      ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
      ...(settings.authorizationUrl === undefined ? {} : { authorizationUrl: settings.authorizationUrl }),
      ...(settings.graphUrl === undefined ? {} : { graphUrl: settings.graphUrl }),
    });
    return { auth, store, warnings };
  } catch (error) {
    if (error instanceof ThreadsAuthOptionError) throw new CliError('usage', `${flagOf(error.option)}: ${error.message.replace(/^threads-auth: option "[^"]+" /, '')}`);
    throw error;
  }
}

/** The CLI flag behind a core option. */
function flagOf(option: string): string {
  const flags: Record<string, string> = {
    clientId: '--app-id / THREADS_APP_ID',
    clientSecret: '--app-secret / THREADS_APP_SECRET',
    redirectUri: '--redirect-uri / THREADS_REDIRECT_URI',
    authorizationUrl: '--authorization-url / THREADS_AUTHORIZATION_URL',
    graphUrl: '--graph-url / THREADS_GRAPH_URL',
    scopes: '--scopes',
  };
  return flags[option] ?? option;
}

/**
 * The account a command is about: `--user` when given, else the only one in the file.
 * @throws {CliError} `login_required` with no account; `usage` with several and no `--user`.
 */
export async function pickUser(opened: Opened, settings: Settings, user: string | undefined): Promise<string> {
  if (user !== undefined && user !== '') return user;
  const all = await opened.store.listDue({ issuedBefore: Number.MAX_SAFE_INTEGER, expiresBefore: Number.MAX_SAFE_INTEGER, expiresAfter: settings.now(), limit: 100 });
  if (all.length === 0) throw new CliError('login_required', `no valid Threads token in ${settings.file}: run \`threads-auth login\``);
  if (all.length > 1) throw new CliError('usage', `${settings.file} holds ${all.length} accounts (${all.map((t) => t.userId).join(', ')}): pass --user <id>`);
  return all[0]!.userId;
}

/**
 * A valid token for `userId`, refreshed first when due (and saved).
 * @throws {CliError} `login_required` when there is none or it can no longer be used.
 */
export async function currentToken(opened: Opened, settings: Settings, userId: string): Promise<ThreadsToken> {
  const token = await opened.auth.getToken(userId);
  if (token !== null) return token;
  const stored = await opened.store.get(userId);
  if (stored !== null) {
    throw new CliError('login_required', `the token of user ${userId} in ${settings.file} was sealed with another app secret (was THREADS_APP_SECRET changed?): run \`threads-auth login\``);
  }
  throw new CliError('login_required', `no valid Threads token for user ${userId} in ${settings.file} (expired, or refused by Threads): run \`threads-auth login\``);
}
