/** FileTokenStore: the shared store contract, then what only a file shared by processes must show. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTokenStoreContract } from '@threads-auth/contract-tests/store';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'threads-auth-file-store-'));
afterAll(() => rm(root, { recursive: true, force: true }));
const freshPath = () => join(root, randomBytes(6).toString('hex'), 'token.json');

describeTokenStoreContract('FileTokenStore', async () => {
  const path = freshPath();
  return { store: new FileTokenStore(path), claims: false, cleanup: () => rm(dirname(path), { recursive: true, force: true }) };
});

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const DAY = 86_400_000;

/** Runs `code` in another Node process with `FileTokenStore` and `path` in scope; resolves once it printed `ready`. */
function otherProcess(path: string, code: string) {
  const script = `import { FileTokenStore } from ${JSON.stringify(DIST)}; const path = ${JSON.stringify(path)}; const store = new FileTokenStore(path); ${code}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('ready')) resolve(out);
    });
    child.on('exit', (exitCode) => (exitCode === 0 ? resolve(out) : reject(new Error(`child exited ${exitCode}: ${out}`))));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, ready, exited };
}

const record = (userId: string, sealed = `sealed.${userId}`) => ({ userId, sealed, issuedAt: Date.now() - DAY, expiresAt: Date.now() + 30 * DAY });

describe('FileTokenStore across processes', () => {
  it('writes the file with mode 0600 in a 0700 directory, and no temporary file is left behind', async () => {
    const path = freshPath();
    const store = new FileTokenStore(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(record(`u${i}`))));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dirname(path))).toEqual(['token.json']);
  });

  it('a refresh lock held by another process excludes this one; when that process dies, the lock is taken over', async () => {
    const path = freshPath();
    const holder = otherProcess(path, `const release = await store.acquireLock('refresh:u1', 60000); console.log(release ? 'ready' : 'not acquired'); setInterval(() => {}, 1000);`);
    expect(await holder.ready).toContain('ready');
    const store = new FileTokenStore(path);
    expect(await store.acquireLock('refresh:u1', 60_000)).toBeNull();
    holder.child.kill('SIGKILL');
    await holder.exited;
    // Its ttl is a minute away, but its holder is gone.
    const release = await store.acquireLock('refresh:u1', 60_000);
    expect(release).toBeTypeOf('function');
    await release!();
  });

  it('consumeOnce is once across processes', async () => {
    const path = freshPath();
    const first = otherProcess(path, `console.log(String(await store.consumeOnce('state:x', 60000)), 'ready');`);
    expect(await first.ready).toContain('true');
    expect(await new FileTokenStore(path).consumeOnce('state:x', 60_000)).toBe(false);
  });

  it('two processes writing at once lose nothing', async () => {
    const path = freshPath();
    const writer = (prefix: string) =>
      otherProcess(
        path,
        `await Promise.all(Array.from({ length: 25 }, (_, i) => store.set({ userId: '${prefix}' + i, sealed: 's', issuedAt: Date.now(), expiresAt: Date.now() + 86400000 }))); console.log('ready');`,
      );
    const [a, b] = [writer('a'), writer('b')];
    await Promise.all([a.ready, b.ready, a.exited, b.exited]);
    const all = await new FileTokenStore(path).listDue({ issuedBefore: Number.MAX_SAFE_INTEGER, expiresBefore: Number.MAX_SAFE_INTEGER, expiresAfter: 0, limit: 1000 });
    expect(all).toHaveLength(50);
  });

  it('recovers the file lock of a process that died mid-write', async () => {
    const path = freshPath();
    const dead = otherProcess(path, `console.log('ready');`);
    await dead.exited;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.lock`, JSON.stringify({ pid: dead.child.pid, host: hostname(), at: Date.now(), id: 'crashed' }));
    const store = new FileTokenStore(path, { lockTimeoutMs: 2_000 });
    await store.set(record('u1'));
    expect((await store.get('u1'))?.sealed).toBe('sealed.u1');
  });

  it('gives up on a file lock held by a live process, naming the lock file', async () => {
    const path = freshPath();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), id: 'busy' }));
    const store = new FileTokenStore(path, { lockTimeoutMs: 300 });
    await expect(store.set(record('u1'))).rejects.toThrow(`${path}.lock`);
  });

  it('refuses a file that is not a token file, without overwriting it', async () => {
    const path = freshPath();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'THREADS_TOKEN=abc\n');
    const store = new FileTokenStore(path);
    await expect(store.get('u1')).rejects.toThrow('is not a threads-auth token file');
    await expect(store.set(record('u1'))).rejects.toThrow('is not a threads-auth token file');
    expect(await readFile(path, 'utf8')).toBe('THREADS_TOKEN=abc\n');
  });

  it('rejects a bad path or option at construction', () => {
    expect(() => new FileTokenStore('')).toThrow(TypeError);
    expect(() => new FileTokenStore('x.json', { lockTimeoutMs: 0 })).toThrow('lockTimeoutMs');
  });
});
