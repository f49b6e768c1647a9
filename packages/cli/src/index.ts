/**
 * `@threads-auth/cli`: the `threads-auth` command (from Threads app credentials to a long-lived token that
 * stays alive) and, for code, {@link FileTokenStore}, the token store in one local file that the command
 * writes.
 *
 * @packageDocumentation
 */
export { runCli } from './cli.js';
export { CliError, EXIT_CODES, type ExitReason } from './cli-error.js';
export { FileTokenStore, type FileTokenStoreOptions } from './file-token-store.js';
export type { CliIO } from './settings.js';
export { defaultTokenFile, tokenFileSecret } from './token-file.js';
