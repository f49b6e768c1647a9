/**
 * Where the CLI keeps tokens, and what it seals them with.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The default token file: `$THREADS_AUTH_FILE` when set, else `threads-auth/token.json` in the user's config
 * directory — `$XDG_CONFIG_HOME` (default `~/.config`) on Linux and other Unixes, `~/Library/Application Support`
 * on macOS, `%APPDATA%` on Windows.
 *
 * @param env - The environment to read. Default `process.env`.
 * @param platform - Default `process.platform`.
 */
export function defaultTokenFile(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env['THREADS_AUTH_FILE'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_CONFIG_HOME'];
  let base: string;
  if (xdg !== undefined && xdg !== '') base = xdg;
  else if (platform === 'win32') base = env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming');
  else if (platform === 'darwin') base = join(homedir(), 'Library', 'Application Support');
  else base = join(homedir(), '.config');
  return join(base, 'threads-auth', 'token.json');
}

/**
 * The `secret` the CLI passes to `createThreadsAuth` to seal the tokens of its file: derived from your Threads
 * App secret (core then derives the AES-256-GCM key from it with HKDF), so the file holds nothing of the app
 * secret and a copy of the file alone is not a usable token. Pass the same value when you open the CLI's file
 * from code with {@link FileTokenStore}.
 *
 * @param appSecret - Your Threads App secret (`THREADS_APP_SECRET`).
 * @throws TypeError when `appSecret` is empty.
 */
export function tokenFileSecret(appSecret: string): string {
  if (typeof appSecret !== 'string' || appSecret === '') throw new TypeError('tokenFileSecret: appSecret must be your Threads App secret.');
  // The prefix alone is longer than the 32 characters core requires of `secret`, whatever the app secret's length.
  return `threads-auth CLI token file, format 1: ${appSecret}`;
}
