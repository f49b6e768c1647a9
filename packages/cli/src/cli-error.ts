/**
 * The CLI's own failures, each with the exit code it ends the command with.
 *
 * @module
 */

/**
 * The exit codes of every `threads-auth` command.
 *
 * | code | name | when |
 * |---|---|---|
 * | 0 | `ok` | done |
 * | 1 | `failed` | Threads refused or could not be reached, the token file could not be read or written |
 * | 2 | `usage` | unknown command or flag, missing or invalid credential or option |
 * | 3 | `login_required` | no token, or one that can no longer be refreshed: run `threads-auth login` |
 * | 4 | `login_failed` | the login was cancelled, timed out, or its callback was invalid (state, code) |
 * | 5 | `doctor_problems` | `doctor` found something to fix |
 */
export const EXIT_CODES = Object.freeze({ ok: 0, failed: 1, usage: 2, login_required: 3, login_failed: 4, doctor_problems: 5 });

/** A name from {@link EXIT_CODES}. */
export type ExitReason = keyof typeof EXIT_CODES;

/** A failure the CLI reports in one line, ending the command with {@link EXIT_CODES}`[reason]`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly reason: ExitReason;
  constructor(reason: ExitReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
