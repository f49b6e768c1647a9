#!/usr/bin/env node
/**
 * Core's own cost on the hot route, repeatable to the instruction: CPU instructions per call of `dispatch` (or
 * `handleSync` in trees that predate it) for a logged-in cookie-mode request, without HTTP or a framework. It runs
 * itself twice under `valgrind --tool=callgrind` (20 000 and 120 000 calls) and divides the difference by 100 000,
 * so start-up, the login and JIT warm-up cancel out. Each call gets a fresh Cookie header string (as a real request
 * does: V8 then hashes the session cookie's value afresh), with one analytics cookie before ours.
 *
 *   node bench/dispatch-instructions.mjs [--tree <checkout>]   (default: this checkout; after a build)
 *
 * `--tree` points at another checkout (e.g. a worktree of an older commit) to compare the same measurement.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fakeAuthOptions, handleLogin } from './lib/login.mjs';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const inner = args.indexOf('--inner');
const treeAt = args.indexOf('--tree');
const tree = resolve(treeAt === -1 ? join(dirname(self), '..') : args[treeAt + 1]);

if (inner === -1) {
  const count = (n) => {
    const out = `/tmp/threads-auth-dispatch-${process.pid}-${n}.cg`;
    const run = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', self, '--inner', String(n), '--tree', tree], { encoding: 'utf8' });
    const collected = /Collected : (\d+)/.exec(run.stderr ?? '');
    if (run.status !== 0 || collected === null) throw new Error(`callgrind run failed:\n${(run.stderr ?? '').slice(-2000)}`);
    rmSync(out, { force: true });
    return Number(collected[1]);
  };
  const [a, b] = [count(20_000), count(120_000)];
  process.stdout.write(`${tree}: ${Math.round((b - a) / 100_000)} instructions per hot-route call (callgrind, 20 000 → 120 000 calls)\n`);
} else {
  const n = Number(args[inner + 1]);
  const { createThreadsAuth } = await import(pathToFileURL(join(tree, 'packages/core/dist/index.js')).href);
  const { startFakeThreads } = await import(pathToFileURL(join(tree, 'packages/testing/dist/index.js')).href);
  const fake = await startFakeThreads();
  const auth = createThreadsAuth(fakeAuthOptions(fake));
  const session = await handleLogin(auth, fake);
  await fake.close();
  const header = Buffer.from(`_ga=GA1.1.1234567890.1700000000; ${session}`);
  const dispatch = auth.dispatch ?? auth.handleSync;
  let signedIn = 0;
  for (let i = 0; i < n; i++) {
    const outcome = dispatch({ method: 'GET', url: '/hello', headers: { host: '127.0.0.1:3000', cookie: header.toString('latin1') } });
    if (outcome?.token !== undefined) signedIn++;
  }
  if (signedIn !== n) throw new Error(`only ${signedIn} of ${n} calls answered synchronously with the token`);
}
