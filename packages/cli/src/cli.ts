/**
 * `threads-auth <command>`: parses the arguments (`node:util` `parseArgs`), runs one command, prints its
 * result for a person or as JSON, and maps every failure to one line and an exit code ({@link EXIT_CODES}).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { isThreadsAuthError, type ThreadsAuthError } from '@threads-auth/core';
import { CliError, EXIT_CODES, type ExitReason } from './cli-error.js';
import {
  appTokenCommand,
  describeToken,
  doctorCommand,
  importCommand,
  inspectCommand,
  refreshCommand,
  tokenCommand,
  tokenJson,
  type CommandResult,
} from './commands.js';
import { login } from './login.js';
import { COMMON_FLAGS, openAuth, readSettings, type CliIO, type Settings } from './settings.js';

const DEFAULT_SCOPES = ['threads_basic', 'threads_content_publish'];

const COMMON_HELP = `Credentials (flag or environment variable):
  --app-id ID              THREADS_APP_ID          the Threads App ID (not the Meta app id)
  --app-secret SECRET      THREADS_APP_SECRET      the Threads App secret (prefer the variable: flags show in shell history)
  --redirect-uri URL       THREADS_REDIRECT_URI    the registered redirect URI (login and doctor only)
  --authorization-url URL  THREADS_AUTHORIZATION_URL  default https://www.threads.com/oauth/authorize
  --graph-url URL          THREADS_GRAPH_URL       default https://graph.threads.net
Common flags:
  --file PATH              THREADS_AUTH_FILE       the token file (default: threads-auth/token.json in your config directory)
  --json                   machine-readable output on stdout
  -h, --help               this help`;

interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  readonly flags: Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;
  readonly help: string;
}

const COMMANDS: Record<string, CommandSpec> = {
  login: {
    summary: 'sign in with Threads and store a long-lived token',
    usage: 'threads-auth login [--scopes a,b] [--file PATH] [--paste] [--no-open] [--timeout SECONDS]',
    flags: { scopes: { type: 'string' }, paste: { type: 'boolean' }, 'no-open': { type: 'boolean' }, timeout: { type: 'string' } },
    help: `With an https://localhost:<port>/… or https://127.0.0.1:<port>/… redirect URI, serves it itself on a
certificate made at run time (mkcert's CA when installed), opens the browser and finishes when Threads
redirects back. Otherwise, or with --paste, prints the authorization URL and reads from standard input the
address the browser landed on after Allow (the page may not exist: only its query matters).
  --scopes a,b     permissions to request (default threads_basic,threads_content_publish)
  --paste          paste the redirect even for a loopback redirect URI
  --no-open        do not open a browser; print the URL only
  --timeout S      give up after S seconds (default 300)`,
  },
  token: {
    summary: 'print a valid access token (refreshing and saving it first when due)',
    usage: 'threads-auth token [--file PATH] [--user ID]',
    flags: { user: { type: 'string' } },
    help: `Prints the token on standard output and nothing else: use $(threads-auth token) in a script or cron line.
Exits 3 with one line on stderr when there is no token or it can no longer be refreshed.
  --user ID        the account, when the file holds several`,
  },
  refresh: {
    summary: 'refresh the stored token now (it must be at least 24 hours old)',
    usage: 'threads-auth refresh [--file PATH] [--user ID]',
    flags: { user: { type: 'string' } },
    help: '  --user ID        the account, when the file holds several',
  },
  inspect: {
    summary: "show what Threads' debug_token says about the stored token",
    usage: 'threads-auth inspect [--file PATH] [--user ID] [--token T|-] [--json]',
    flags: { user: { type: 'string' }, token: { type: 'string' } },
    help: `  --user ID        the account, when the file holds several
  --token T|-      inspect this token instead (- reads it from standard input)`,
  },
  'app-token': {
    summary: 'print the app access token (client_credentials)',
    usage: 'threads-auth app-token',
    flags: {},
    help: '',
  },
  import: {
    summary: 'adopt a token obtained elsewhere (exchanged for a long-lived one when short-lived)',
    usage: 'threads-auth import --token T|- [--file PATH]',
    flags: { token: { type: 'string' } },
    help: `For a token from the App Dashboard's User Token Generator or an older script's .env: inspects it,
exchanges it for a long-lived one when it is short-lived, and stores it so that \`token\` keeps it alive.
  --token T|-      the token (- reads it from standard input, which keeps it out of your shell history)`,
  },
  doctor: {
    summary: 'check the credentials and the redirect URI, and print the App Dashboard settings',
    usage: 'threads-auth doctor',
    flags: {},
    help: 'Exits 5 when it finds a problem.',
  },
};

const MAIN_HELP = `threads-auth: from Threads app credentials to a long-lived token that stays alive.

Usage: threads-auth <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(10)} ${spec.summary}`)
  .join('\n')}

Run \`threads-auth <command> --help\` for a command's flags.

${COMMON_HELP}

Exit codes: 0 ok, 1 failed (Threads refused or unreachable, file error), 2 usage, 3 login required,
4 login failed (cancelled, timed out, bad callback), 5 doctor found problems.
`;

function commandHelp(spec: CommandSpec): string {
  return `${spec.usage}\n\n${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.\n${spec.help ? `\n${spec.help}\n` : ''}\n${COMMON_HELP}\n`;
}

/** The exit reason of a core error: `login_required` for a dead token, `login_failed` for a bad callback. */
function reasonOf(error: ThreadsAuthError): ExitReason {
  if (error.code === 'token_expired') return 'login_required';
  if (['access_denied', 'invalid_state', 'authorization_failed', 'invalid_request'].includes(error.code) && error.step === 'authorize') return 'login_failed';
  if (error.code === 'invalid_request') return 'usage';
  return 'failed';
}

/** One line for a core error: its message and Meta's, never a secret (core redacts tokens from both). */
function describeError(error: ThreadsAuthError): string {
  const meta = error.meta?.message !== undefined && !error.message.includes(error.meta.message) ? ` — Threads says: ${error.meta.message}` : '';
  const code = error.meta?.code !== undefined ? ` (code ${error.meta.code}${error.meta.subcode !== undefined ? `/${error.meta.subcode}` : ''})` : '';
  return `${error.message}${meta}${code}`;
}

/** `-` reads the value from standard input. */
async function valueOrStdin(value: string, io: CliIO): Promise<string> {
  if (value !== '-') return value;
  let text = '';
  for await (const chunk of io.stdin) text += String(chunk);
  return text.trim();
}

function parseScopes(raw: string | undefined): string[] {
  if (raw === undefined) return DEFAULT_SCOPES;
  const given = raw.split(/[\s,]+/).filter((s) => s !== '');
  return [...new Set(['threads_basic', ...given])];
}

async function runCommand(name: string, values: Record<string, unknown>, settings: Settings, io: CliIO): Promise<CommandResult> {
  const user = values['user'] as string | undefined;
  switch (name) {
    case 'login': {
      const scopes = parseScopes(values['scopes'] as string | undefined);
      const timeoutRaw = (values['timeout'] as string | undefined) ?? '300';
      const seconds = Number(timeoutRaw);
      if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 3600) throw new CliError('usage', `--timeout must be a number of seconds from 1 to 3600; got "${timeoutRaw}"`);
      const opened = openAuth(settings, { scopes, needsRedirect: true });
      const { token, missingScopes } = await login(opened, { scopes, paste: values['paste'] === true, open: values['no-open'] !== true, timeoutMs: seconds * 1000 }, io);
      const lines = ['Signed in.', ...describeToken(token, settings)];
      for (const scope of missingScopes) lines.push(`Not granted: ${scope} was requested but the user did not grant it; calls that need it will fail.`);
      return { human: `${lines.join('\n')}\n`, json: { ...tokenJson(token, false), missingScopes, file: settings.file } };
    }
    case 'token':
      return tokenCommand(settings, io, user);
    case 'refresh':
      return refreshCommand(settings, user);
    case 'inspect': {
      const given = values['token'] as string | undefined;
      return inspectCommand(settings, io, user, given === undefined ? undefined : await valueOrStdin(given, io));
    }
    case 'app-token':
      return appTokenCommand(settings);
    case 'import': {
      const given = values['token'] as string | undefined;
      if (given === undefined || given === '') throw new CliError('usage', 'import needs --token <token> (or --token - to read it from standard input)');
      return importCommand(settings, await valueOrStdin(given, io));
    }
    case 'doctor':
      return doctorCommand(settings);
    default:
      throw new CliError('usage', `unknown command "${name}"; run \`threads-auth --help\``);
  }
}

/**
 * Runs `threads-auth` with `argv` (without the node and script paths) and resolves the exit code.
 * Never rejects: every failure is one line on stderr (or a JSON `error` on stdout with `--json`).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const spec = topic === undefined ? undefined : COMMANDS[topic];
    io.stdout.write(spec === undefined ? MAIN_HELP : commandHelp(spec));
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('threads-auth\n');
    return EXIT_CODES.ok;
  }
  const fail = (reason: ExitReason, code: string, message: string): number => {
    if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else io.stderr.write(`threads-auth: ${message}\n`);
    return EXIT_CODES[reason];
  };
  const spec = COMMANDS[name];
  if (spec === undefined) return fail('usage', 'usage', `unknown command "${name}"; run \`threads-auth --help\``);
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...rest], options: { ...COMMON_FLAGS, ...spec.flags }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return fail('usage', 'usage', `${(error as Error).message.split('\n')[0]}; run \`threads-auth ${name} --help\``);
  }
  if (values['help'] === true) {
    io.stdout.write(commandHelp(spec));
    return EXIT_CODES.ok;
  }
  try {
    const settings = readSettings(values, io.env);
    const result = await runCommand(name, values, settings, io);
    io.stdout.write(settings.json ? `${JSON.stringify(result.json, null, 2)}\n` : result.human);
    return EXIT_CODES[result.exit ?? 'ok'];
  } catch (error) {
    if (error instanceof CliError) return fail(error.reason, error.reason, error.message);
    if (isThreadsAuthError(error)) return fail(reasonOf(error), error.code, describeError(error));
    const code = (error as NodeJS.ErrnoException).code;
    return fail('failed', typeof code === 'string' ? code : 'failed', (error as Error).message ?? String(error));
  }
}
