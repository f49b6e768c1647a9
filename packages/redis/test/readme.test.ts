/**
 * README examples are code: every ```ts block compiles against the package, and the two "client you already
 * have" examples (ioredis, node-redis) run as written in a child process that survives a Redis restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeUnavailable } from '@threads-auth/contract-tests/store';
import { readmeExamples, typeCheckReadme } from '@threads-auth/contract-tests/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerProcess, startRedisServer } from './redis-processes.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const BUILT = existsSync(new URL('../dist/index.js', import.meta.url));
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('every TypeScript example compiles against the package', () => {
    const { examples, errors } = typeCheckReadme(PACKAGE_DIR, '@threads-auth/redis');
    expect(examples).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
  });
});

/**
 * Appended to an example: on each line of stdin, write and read back a token through the example's `store`,
 * and print the outcome as one JSON line.
 */
const HARNESS = `
import { createInterface } from 'node:readline';
let round = 0;
createInterface({ input: process.stdin }).on('line', async () => {
  const id = ++round;
  try {
    await store.set({ userId: 'restart-check', sealed: 'v' + id, issuedAt: Date.now(), expiresAt: Date.now() + 60_000 });
    const read = await store.get('restart-check', { consistent: true });
    console.log(JSON.stringify({ id, ok: read?.sealed === 'v' + id }));
  } catch (error) {
    console.log(JSON.stringify({ id, ok: false, error: error.name + ': ' + error.message }));
  }
});
console.log(JSON.stringify({ started: true }));
`;

interface Round {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

/** A child process running `code`, driven one round per stdin line. */
function runExample(code: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiting.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('exit', () => {
    for (const wake of waiting.splice(0)) wake();
  });
  const lines = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Round & { started?: boolean });
  async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`example exited (${child.exitCode ?? child.signalCode}) waiting for ${what}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
  let sent = 0;
  return {
    child,
    stderr: () => stderr,
    started: () => until(() => lines().find((l) => l.started), 15_000, 'the example to start'),
    /** Sends one round and resolves its outcome. */
    async round(): Promise<Round> {
      const id = ++sent;
      child.stdin!.write('\n');
      return until(() => lines().find((l) => l.id === id), 15_000, `round ${id}`);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

const examples = readmeExamples(README);
const cases = [
  { name: 'the ioredis "client you already have" example', code: examples.find((code) => code.includes("new Redis(process.env.REDIS_URL")) },
  { name: 'the node-redis example', code: examples.find((code) => code.includes('createClient({ url: process.env.REDIS_URL')) },
];

const server = BUILT ? await startRedisServer() : { skip: 'dist/ is not built (run the build first)' };

if ('skip' in server) {
  describeUnavailable('README examples survive a Redis restart', server.skip);
} else {
  describe.each(cases)('README: $name survives a Redis restart', ({ code }) => {
    const redis: RedisServerProcess = server;
    let example: ReturnType<typeof runExample>;

    beforeAll(async () => {
      expect(code).toBeDefined();
      await redis.restart();
      example = runExample(code + HARNESS, { REDIS_URL: redis.url });
      await example.started();
    });

    afterAll(() => example?.kill());

    it('works, fails within timeoutMs while Redis is down without crashing, and works again once it is back', async () => {
      expect(await example.round()).toMatchObject({ ok: true });

      await redis.kill();
      const down = await example.round();
      expect(down.ok).toBe(false);
      expect(down.error).toBeDefined();

      await redis.restart();
      let back: Round | undefined;
      for (let attempt = 0; attempt < 40 && !back?.ok; attempt++) {
        back = await example.round();
        if (!back.ok) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(back).toMatchObject({ ok: true });
      expect(example.child.exitCode).toBeNull();
      expect(example.child.signalCode).toBeNull();
      // The example's own listener logged the connection errors; nothing was left unhandled.
      expect(example.stderr()).toContain('redis:');
      expect(example.stderr()).not.toMatch(/Unhandled error event|ERR_UNHANDLED_ERROR|Uncaught/);
    }, 60_000);
  });

  // The control: the same node-redis example without its 'error' listener dies when Redis goes away, so the
  // test above can tell a process that survived from one that did not.
  describe('README control: the node-redis example without its error listener', () => {
    it('crashes when Redis is killed', async () => {
      const example = cases[1]!.code!;
      const withoutListener = example.replace(/^redis\.on\('error'.*\n/m, '');
      expect(withoutListener).not.toBe(example);
      await server.restart();
      const child = runExample(withoutListener + HARNESS, { REDIS_URL: server.url });
      try {
        await child.started();
        expect(await child.round()).toMatchObject({ ok: true });
        const exited = new Promise((resolve) => child.child.once('exit', resolve));
        await server.kill();
        await expect(Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('alive'), 10_000))])).resolves.not.toBe('alive');
        expect(child.stderr()).toMatch(/Unhandled 'error' event|ECONNRESET|Socket closed unexpectedly/);
      } finally {
        child.kill();
      }
    }, 30_000);
  });

  afterAll(async () => {
    await server.stop();
  });
}
