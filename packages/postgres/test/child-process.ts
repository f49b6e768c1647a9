/**
 * A Node child process running an ES module given as text, importing `@threads-auth/postgres` by name from the
 * built `dist` (the package resolves itself through its `exports`): what a crash does is observable as an exit,
 * and a `kill -9` is a real one.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Why child-process tests cannot run, or `undefined` when `dist` is built. */
export const DIST_MISSING = existsSync(new URL('../dist/index.js', import.meta.url))
  ? undefined
  : 'packages/postgres/dist is not built (run `pnpm --filter @threads-auth/postgres build`)';

/** How a child ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child: its output so far, a way to wait for a line, to send one, and its exit. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => { readonly stdout: string; readonly stderr: string };
  /** Resolves the first line (of stdout, or stderr with `stream: 'stderr'`) matching `pattern`, seen or to come. */
  line(pattern: RegExp, options?: { readonly stream?: 'stdout' | 'stderr'; readonly timeoutMs?: number }): Promise<string>;
  /** Writes `line` and a newline to its stdin. */
  send(line: string): void;
  /** Resolves once it has exited. */
  readonly exited: Promise<Exit>;
}

/**
 * Starts `node --input-type=module -e <source>` in packages/postgres with `env` added to this process's.
 * The child is killed when the test process exits, so a failed test leaves nothing running.
 */
export function startChild(source: string, env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk;
    wake();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
      wake();
    });
  });
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
  });

  return {
    process: child,
    output: () => ({ ...text }),
    exited,
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    line(pattern, options = {}) {
      const stream = options.stream ?? 'stdout';
      const timeoutMs = options.timeoutMs ?? 10_000;
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = text[stream].split('\n').find((l) => pattern.test(l));
          if (found !== undefined) return done(() => resolve(found));
          if (exit !== undefined) done(() => reject(new Error(`child exited (${describe(exit)}) before printing ${pattern}\n${dump(text)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\n${dump(text)}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

function describe(exit: Exit | undefined): string {
  return exit?.signal ? `signal ${exit.signal}` : `code ${exit?.code}`;
}

function dump(text: { stdout: string; stderr: string }): string {
  return `--- stdout\n${text.stdout}--- stderr\n${text.stderr}`;
}
