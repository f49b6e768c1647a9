/**
 * The checks of single option values, for `resolveOptions` and `resolveClientOptions`: every option name and
 * the names people reach for instead (did-you-mean), strings, URLs, loopback hosts, redirect targets, integers,
 * functions, permission lists and the logger. Each check records its problem, with its fix, in {@link Problems}
 * and returns a stand-in, so that one error lists every bad option.
 *
 * @module
 */
import { ThreadsAuthOptionError, type OptionProblem } from './errors.js';
import type { ThreadsAuthLogger, ThreadsAuthOptions, ThreadsClientOptions } from './options.js';

/**
 * Every option name, so that a misspelt key is refused with a did-you-mean. Typed against
 * {@link ThreadsAuthOptions}: an option added there without a line here does not compile.
 */
export const OPTION_KEYS: Readonly<Record<keyof ThreadsAuthOptions, true>> = {
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  secret: true,
  scopes: true,
  unlistedScopes: true,
  basePath: true,
  authorizationUrl: true,
  graphUrl: true,
  timeoutMs: true,
  successRedirect: true,
  failureRedirect: true,
  pkce: true,
  store: true,
  refreshWindow: true,
  sessionMaxAge: true,
  storeTimeoutMs: true,
  bodyTimeoutMs: true,
  now: true,
  fetch: true,
  randomBytes: true,
  retry: true,
  onLogin: true,
  onTokenRefreshed: true,
  onTokenRevoked: true,
  onError: true,
  logger: true,
  renderError: true,
};

/** Names people reach for that are another option here (from other OAuth libraries and Meta's own wording). */
const OPTION_ALIASES: Readonly<Record<string, keyof ThreadsAuthOptions>> = {
  scope: 'scopes',
  permissions: 'scopes',
  sessionSecret: 'secret',
  cookieSecret: 'secret',
  secrets: 'secret',
  appId: 'clientId',
  threadsAppId: 'clientId',
  client_id: 'clientId',
  appSecret: 'clientSecret',
  threadsAppSecret: 'clientSecret',
  client_secret: 'clientSecret',
  callbackUrl: 'redirectUri',
  callbackURL: 'redirectUri',
  redirectUrl: 'redirectUri',
  redirect_uri: 'redirectUri',
  timeout: 'timeoutMs',
};

/** Every option name of {@link ThreadsClientOptions}, for the same check. */
export const CLIENT_OPTION_KEYS: Readonly<Record<keyof ThreadsClientOptions, true>> = {
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  scopes: true,
  unlistedScopes: true,
  authorizationUrl: true,
  graphUrl: true,
  timeoutMs: true,
  fetch: true,
  retry: true,
  pkce: true,
};

/** The default logger: one line on stderr. */
const CONSOLE_LOGGER: ThreadsAuthLogger = { error: (line) => console.error(line) };

/**
 * Collects every problem of one options object, so that all of them are reported in one error. Each check
 * records its problem and returns a stand-in, and validation goes on.
 */
export class Problems {
  readonly list: OptionProblem[] = [];

  add(option: string, message: string): undefined {
    this.list.push({ option, message });
    return undefined;
  }

  /** @throws {ThreadsAuthOptionError} with every problem, when there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ThreadsAuthOptionError(this.list);
  }
}

/** Edit distance, for did-you-mean; small inputs only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `name` (case-insensitive, at most a third of its length away), if any. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Refuses every unknown key of `raw`, suggesting the alias or the closest known name. */
export function checkKeys(raw: Record<string, unknown>, known: Readonly<Record<string, true>>, problems: Problems, prefix = ''): void {
  const names = Object.keys(known);
  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(known, key) || raw[key] === undefined) continue;
    const alias = prefix === '' ? OPTION_ALIASES[key] : undefined;
    const suggestion = alias !== undefined && Object.hasOwn(known, alias) ? alias : closest(key, names);
    problems.add(
      `${prefix}${key}`,
      suggestion === undefined ? `is not an option of threads-auth; the options are: ${names.join(', ')}.` : `is not an option of threads-auth; did you mean "${prefix}${suggestion}"?`,
    );
  }
}

/** A required string without surrounding whitespace; a number is refused (an id above 2^53 would lose digits). */
export function requireString(raw: Record<string, unknown>, name: string, hint: string, problems: Problems): string | undefined {
  const value = raw[name];
  if (typeof value === 'number' || typeof value === 'bigint') {
    return problems.add(name, 'must be a string, not a number: quote it (a Threads id above 2^53 loses digits as a number; process.env values are strings already).');
  }
  if (typeof value !== 'string' || value.trim() === '') return problems.add(name, `is required: ${hint}`);
  if (value !== value.trim()) return problems.add(name, 'has leading or trailing whitespace; check how it is loaded.');
  return value;
}

export function httpUrl(name: string, value: unknown, problems: Problems): URL | undefined {
  if (typeof value !== 'string') return problems.add(name, `must be an absolute http(s) URL string; got ${typeof value}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problems.add(name, `must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return problems.add(name, `must be an http(s) URL; got "${value}".`);
  if (url.hash !== '') return problems.add(name, 'must not contain a #fragment.');
  return url;
}

/** Loopback hosts, where plain http is fine in development (browsers treat them as secure contexts). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function redirectTarget(name: string, value: unknown, problems: Problems): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(value.startsWith('/') || /^https?:\/\//.test(value)) || value.startsWith('//')) {
    return problems.add(name, 'must be a path starting with "/" or an absolute http(s) URL.');
  }
  return value;
}

export function positiveInteger(name: string, value: unknown, fallback: number, max: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    problems.add(name, `must be a positive integer of at most ${max}; got ${String(value)}.`);
    return fallback;
  }
  return value;
}

export function atLeast(name: string, value: number, min: number, problems: Problems): number {
  // Sessions are renewed at most once a day, so a shorter lifetime could end an active session.
  if (value < min) problems.add(name, `must be at least ${min} ms (2 days); got ${value}.`);
  return value;
}

export function optionalFunction<T>(name: string, value: unknown, problems: Problems): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') return problems.add(name, 'must be a function.');
  return value as T;
}

/** The options as a record. @throws {ThreadsAuthOptionError} when they are not an object. */
export function asRecord(options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new ThreadsAuthOptionError('options', 'must be an object.');
  return options as Record<string, unknown>;
}

/** A list of permission names (shape only; `client-options.ts` checks the names). */
export function scopeList(name: string, value: unknown, problems: Problems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || !/^[a-z_]+$/.test(s))) {
    problems.add(name, 'must be an array of permission names such as ["threads_basic", "threads_content_publish"].');
    return [];
  }
  return value as string[];
}

/** The logger: `console.error` when absent, none when `false`. */
export function resolveLogger(value: unknown, problems: Problems): ThreadsAuthLogger | undefined {
  if (value === undefined) return CONSOLE_LOGGER;
  if (value === false) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)['error'] !== 'function') {
    return problems.add('logger', 'must be an object with an error(line) method (console, pino, winston) or false to turn logging off.');
  }
  return value as ThreadsAuthLogger;
}
