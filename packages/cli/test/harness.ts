/** Drives the real `threads-auth` bin (dist/bin.js) as a child process against the fake Threads over real HTTP. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeThreads, type FakeThreads, type FakeThreadsOptions } from '@threads-auth/testing';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const DAY = 86_400_000;

/** What one run of the bin printed and how it exited. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running bin, with its output so far. */
export interface RunningBin {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: { stdout: string; stderr: string };
  /** Resolves the first match of `pattern` in stderr. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly done: Promise<BinRun>;
}

/** Starts the bin with `args` and exactly `env` (nothing inherited but PATH). */
export function startBin(args: readonly string[], env: Record<string, string>): RunningBin {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  const output = { stdout: '', stderr: '' };
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk) => {
    output.stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += String(chunk);
    for (const w of [...waiters]) w();
  });
  const done = new Promise<BinRun>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: output.stdout, stderr: output.stderr }));
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}; stderr so far:\n${output.stderr}`)), timeoutMs);
      const check = () => {
        const match = pattern.exec(output.stderr);
        if (match === null) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(match);
      };
      waiters.push(check);
      check();
      void done.then(() => {
        if (waiters.includes(check)) {
          clearTimeout(timer);
          reject(new Error(`the bin exited before stderr matched ${pattern}; stderr:\n${output.stderr}`));
        }
      });
    });
  return { child, output, waitForStderr, done };
}

/** Runs the bin to the end, with `stdin` written and closed. */
export async function runBin(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<BinRun> {
  const running = startBin(args, env);
  running.child.stdin.end(stdin);
  return running.done;
}

/** A free loopback port (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The fake on a clock the test moves, a private config directory, and the env that points the bin at both. */
export async function setupCli(options: FakeThreadsOptions & { redirectUri?: string } = {}) {
  let offset = 0;
  const threads: FakeThreads = await startFakeThreads({ now: () => Date.now() + offset, ...options });
  const home = await mkdtemp(join(tmpdir(), 'threads-auth-cli-'));
  const file = join(home, 'config', 'threads-auth', 'token.json');
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    THREADS_APP_ID: threads.clientId,
    THREADS_APP_SECRET: threads.clientSecret,
    THREADS_REDIRECT_URI: options.redirectUri ?? 'https://app.example/callback/',
    THREADS_GRAPH_URL: threads.url,
    THREADS_AUTHORIZATION_URL: threads.authorizationUrl,
    // The bin's clock follows the fake's.
    ...(offset === 0 ? {} : { THREADS_AUTH_NOW: String(Date.now() + offset) }),
    ...extra,
  });
  return {
    threads,
    home,
    file,
    env,
    /** Moves the fake's clock (and the bin's, through THREADS_AUTH_NOW) forward. */
    advance(ms: number) {
      offset += ms;
    },
    async close() {
      await threads.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Signs in through the paste flow: the bin prints the authorization URL, the fake's consent page is approved, the landing address is pasted. */
export async function pasteLogin(cli: Awaited<ReturnType<typeof setupCli>>, args: readonly string[] = [], env: Record<string, string> = {}): Promise<BinRun> {
  const running = startBin(['login', '--no-open', ...args], cli.env(env));
  const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
  const landed = await cli.threads.approve(url!);
  running.child.stdin.write(`${landed}\n`);
  return running.done;
}
