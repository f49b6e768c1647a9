/**
 * The fake's options, their defaults, and the checks that make a bad option fail at start-up with a
 * message naming it.
 *
 * @module
 */

/** A Threads account the fake can sign in as. */
export interface FakeUser {
  /**
   * The app-scoped Threads user id, a string of digits. Real ids exceed 2^53, and the fake writes this id
   * as a raw JSON number in the code-exchange response, exactly as Meta does.
   */
  id: string;
  /** The Threads handle, without `@`. */
  username: string;
  /** The display name, returned by `/me?fields=name` when set. */
  name?: string;
}

/** Options for {@link startFakeThreads}. Every option is optional. */
export interface FakeThreadsOptions {
  /** Port to listen on. Default `0`: an ephemeral port, read it back from {@link FakeThreads.url}. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'` (loopback only). */
  host?: string;
  /** The Threads App ID the fake accepts as `client_id`. Default `'1234567890'`. */
  clientId?: string;
  /** The Threads App secret the fake accepts as `client_secret`. Default `'fake-threads-app-secret'`. */
  clientSecret?: string;
  /**
   * The app's redirect-URI allow-list, matched exactly (as Meta does, trailing slash included).
   * Empty or undefined: any `http:` or `https:` redirect_uri is accepted.
   */
  redirectUris?: string[];
  /**
   * The accounts that can sign in; the first one is the default. Default: one user,
   * `{ id: '17841405793187219', username: 'threads_tester', name: 'Threads Tester' }`, whose odd id above
   * 2^53 is corrupted by a plain `JSON.parse` of the code-exchange response.
   */
  users?: FakeUser[];
  /** The app name shown on the consent page and returned by `debug_token`. Default `'Fake Threads App'`. */
  appName?: string;
  /** Milliseconds to wait before answering every token and Graph endpoint (not the consent page). Default `0`. */
  latencyMs?: number;
  /** The clock, in milliseconds since the epoch, used to issue and expire codes and tokens. Default `Date.now`. */
  now?: () => number;
  /** Lifetime of a short-lived token from the code exchange, in seconds. Default `3600`. */
  shortLivedTtlSeconds?: number;
  /** Lifetime of a long-lived token from the exchange or a refresh, in seconds. Default `5183944` (Meta's `expires_in`). */
  longLivedTtlSeconds?: number;
  /**
   * When `true`, `GET /oauth/authorize` skips the consent page and redirects straight back with a code for
   * the first user, granting every requested scope. For tests that drive the flow with `fetch` alone.
   */
  autoApprove?: boolean;
}

/** {@link FakeThreadsOptions} with every default applied and every value checked. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly users: readonly Readonly<FakeUser>[];
  readonly appName: string;
  readonly latencyMs: number;
  readonly now: () => number;
  readonly shortLivedTtlSeconds: number;
  readonly longLivedTtlSeconds: number;
  readonly autoApprove: boolean;
}

/** The user the fake signs in as when none is configured. */
export const DEFAULT_USER: Readonly<FakeUser> = Object.freeze({
  id: '17841405793187219',
  username: 'threads_tester',
  name: 'Threads Tester',
});

const DIGITS = /^[1-9][0-9]*$/;

function optionError(option: string, expected: string, got: unknown): TypeError {
  return new TypeError(`startFakeThreads: options.${option} must be ${expected}, got ${describe(got)}.`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return String(value);
}

function nonNegativeNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw optionError(option, 'a finite number ≥ 0', value);
  }
  return value;
}

function positiveNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw optionError(option, 'a finite number > 0', value);
  }
  return value;
}

function appCredential(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  // `|` separates the parts of an app token (`TH|<id>|<secret>`), so it cannot appear inside one.
  if (typeof value !== 'string' || value === '' || value.includes('|')) {
    throw optionError(option, 'a non-empty string without "|"', value);
  }
  return value;
}

/** Whether `value` is an absolute `http:` or `https:` URL without a fragment, as Meta requires of a redirect_uri. */
export function isHttpRedirectUri(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !value.includes('#');
}

function resolveUsers(value: unknown): readonly Readonly<FakeUser>[] {
  if (value === undefined) return [DEFAULT_USER];
  if (!Array.isArray(value) || value.length === 0) {
    throw optionError('users', 'a non-empty array of { id, username, name? }', value);
  }
  const seen = new Set<string>();
  return value.map((user: unknown, index) => {
    const option = `users[${index}]`;
    if (typeof user !== 'object' || user === null) throw optionError(option, 'an object', user);
    const { id, username, name } = user as Record<string, unknown>;
    if (typeof id !== 'string' || !DIGITS.test(id)) {
      throw optionError(`${option}.id`, 'a string of digits (a Threads user id, e.g. "17841405793187219")', id);
    }
    if (seen.has(id)) throw optionError(`${option}.id`, 'unique', id);
    seen.add(id);
    if (typeof username !== 'string' || username === '') {
      throw optionError(`${option}.username`, 'a non-empty string', username);
    }
    if (name !== undefined && typeof name !== 'string') throw optionError(`${option}.name`, 'a string', name);
    return Object.freeze(name === undefined ? { id, username } : { id, username, name });
  });
}

/**
 * Applies the defaults to `options` and checks every value.
 *
 * @throws TypeError naming the offending option, e.g. `options.users[0].id must be a string of digits`.
 */
export function resolveOptions(options: FakeThreadsOptions = {}): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw optionError('port', 'an integer from 0 to 65535', port);
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw optionError('host', 'a non-empty string', host);
  const redirectUris = options.redirectUris ?? [];
  if (!Array.isArray(redirectUris)) throw optionError('redirectUris', 'an array of URLs', redirectUris);
  redirectUris.forEach((uri: unknown, index) => {
    if (typeof uri !== 'string' || !isHttpRedirectUri(uri)) {
      throw optionError(`redirectUris[${index}]`, 'an absolute http(s) URL without a fragment', uri);
    }
  });
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw optionError('now', 'a function returning milliseconds', now);
  const appName = options.appName ?? 'Fake Threads App';
  if (typeof appName !== 'string' || appName === '') throw optionError('appName', 'a non-empty string', appName);
  return Object.freeze({
    port,
    host,
    clientId: appCredential('clientId', options.clientId, '1234567890'),
    clientSecret: appCredential('clientSecret', options.clientSecret, 'fake-threads-app-secret'),
    redirectUris: Object.freeze([...redirectUris]),
    users: Object.freeze(resolveUsers(options.users)),
    appName,
    latencyMs: nonNegativeNumber('latencyMs', options.latencyMs, 0),
    now,
    shortLivedTtlSeconds: positiveNumber('shortLivedTtlSeconds', options.shortLivedTtlSeconds, 3600),
    longLivedTtlSeconds: positiveNumber('longLivedTtlSeconds', options.longLivedTtlSeconds, 5_183_944),
    autoApprove: options.autoApprove === true,
  });
}
