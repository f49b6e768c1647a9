/**
 * redis-server processes of the tests' own, on free ports, in temporary directories: a standalone server a test
 * may kill and restart, and a Redis Cluster of three masters. Never the machine's own Redis.
 *
 * `startRedisServer` and `startRedisCluster` resolve `{ skip: reason }` when `redis-server` / `redis-cli` cannot
 * be run; the callers turn that into a skipped suite locally and a failure under CI (`describeUnavailable`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** Why the tests cannot start their own servers, or `undefined` when they can. */
export async function probeRedisBinaries(): Promise<string | undefined> {
  for (const binary of ['redis-server', 'redis-cli']) {
    try {
      await run(binary, ['--version'], { timeout: 5_000 });
    } catch (error) {
      return `${binary} cannot be run (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); install Redis 7 to run these tests`;
    }
  }
  return undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port P whose cluster bus port P + 10000 is free too. */
async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair found for redis-server');
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function answersPing(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

function spawnServer(port: number, dir: string, extra: string[] = []): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, ...extra], {
    stdio: 'ignore',
  });
  child.on('error', () => {});
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** A standalone redis-server of the test's own. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** Starts a standalone redis-server on a free port. */
export async function startRedisServer(): Promise<RedisServerProcess | { skip: string }> {
  const unavailable = await probeRedisBinaries();
  if (unavailable !== undefined) return { skip: unavailable };
  const dir = await mkdtemp(join(tmpdir(), 'threads-auth-redis-'));
  const port = await freePort();
  let child = spawnServer(port, dir);
  await waitFor(() => answersPing(port), `redis-server on port ${port}`);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => stopProcess(child),
    async restart() {
      await stopProcess(child);
      child = spawnServer(port, dir);
      await waitFor(() => answersPing(port), `redis-server on port ${port} after restart`);
    },
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis Cluster of the test's own: three masters, no replicas. */
export interface RedisClusterProcesses {
  readonly ports: readonly number[];
  /** `[{ host, port }]`, the startup nodes for ioredis' `Cluster`. */
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** Kills every node and removes their directory. */
  stop(): Promise<void>;
}

/** Starts three cluster-enabled redis-server processes on free ports and joins them with `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RedisClusterProcesses | { skip: string }> {
  const unavailable = await probeRedisBinaries();
  if (unavailable !== undefined) return { skip: unavailable };
  const dir = await mkdtemp(join(tmpdir(), 'threads-auth-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort(taken);
    taken.add(port).add(port + 10_000);
    ports.push(port);
  }
  const children = ports.map((port) =>
    spawnServer(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000']),
  );
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => answersPing(port), `cluster node on port ${port}`);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const port of ports) {
      await waitFor(async () => {
        const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => {});
        try {
          await client.connect();
          return String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok');
        } finally {
          client.disconnect();
        }
      }, `cluster_state:ok on port ${port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
