/**
 * The hot-route overhead in CPU instructions, for Express, Fastify and Hono, which (unlike req/s on a shared VM)
 * repeats to within a fraction of a percent: each variant's server runs under `valgrind --tool=callgrind` and serves N₁ then N₂ requests
 * (10 keep-alive connections, the same logged-in Cookie header); instructions per request are
 * (I(N₂) − I(N₁)) / (N₂ − N₁), so start-up cancels out. N₁ must be past the JIT's warm-up: callgrind counts the
 * optimizing compiler's work too, and at 1 000 → 6 000 it was most of the difference (bare Fastify 206 323 per
 * request there, 63 363 at 6 000 → 26 000). Node runs with `--single-threaded`: V8's compiler and GC helpers work
 * on the main thread, so the counts do not depend on how valgrind schedules threads (bare Hono moved by ±5 000
 * between runs without it, by about 1 % with it).
 *
 *   node bench/instructions.mjs [--requests 6000,16000] [--frameworks express,fastify,hono] [--variants id,id,…]
 *
 * Fastify and Hono also get an empty hook / middleware (f0, i0): the floor any plugin or middleware pays there.
 *
 * Needs valgrind (`apt-get install -y valgrind`); says so and exits 0 without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = process.argv.indexOf('--requests');
const [n1, n2] = (arg === -1 ? '6000,16000' : process.argv[arg + 1]).split(',').map(Number);
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('instructions: skipped, valgrind is not installed (apt-get install -y valgrind)');
  process.exit(0);
}
const server = fileURLToPath(new URL('./instructions/server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'threads-auth-instructions-'));

async function drive(readyFile, total) {
  while (!existsSync(readyFile)) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { port, cookie } = JSON.parse(readFileSync(readyFile, 'utf8'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      sent++;
      await new Promise((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path: '/hello', agent, headers: { cookie } }, (res) => res.resume().on('end', resolve)).on('error', reject),
      );
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  agent.destroy();
}

async function instructions(variant, total) {
  const readyFile = join(dir, `${variant}-${total}.ready`);
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, `${variant}-${total}.out`)}`, process.execPath, '--single-threaded', server, variant, String(total), readyFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await drive(readyFile, total);
  await exited;
  const collected = /Collected : (\d+)/.exec(stderr);
  if (collected === null) throw new Error(`callgrind printed no total for ${variant}:\n${stderr.slice(-2000)}`);
  return Number(collected[1]);
}

/** Each framework: its bare app first (what the ratios divide by), then what is measured against it. */
const FRAMEWORKS = {
  express: [
    ['bare', 'a. bare Express'],
    ['threads', 'b. threadsAuth, cookie mode'],
  ],
  fastify: [
    ['fastify-bare', 'f. bare Fastify 5'],
    ['fastify-noop', 'f0. Fastify + an empty onRequest hook'],
    ['fastify-threads', 'g. Fastify + threadsAuth plugin'],
    ['fastify-passport', 'h. @fastify/session + @fastify/passport'],
  ],
  hono: [
    ['hono-bare', 'i. bare Hono 4 (@hono/node-server)'],
    ['hono-noop', 'i0. Hono + an empty middleware'],
    ['hono-threads', 'j. Hono + threadsAuth'],
  ],
};
const only = process.argv.indexOf('--frameworks');
const chosen = only === -1 ? Object.keys(FRAMEWORKS) : process.argv[only + 1].split(',');
for (const name of chosen) if (!(name in FRAMEWORKS)) throw new Error(`--frameworks: unknown ${name}; one of ${Object.keys(FRAMEWORKS).join(', ')}`);

const variantsArg = process.argv.indexOf('--variants');
/** Restricts the run to these variant ids (each framework's bare app always runs). */
const onlyVariants = variantsArg === -1 ? undefined : process.argv[variantsArg + 1].split(',');
const fmt = (n) => Math.round(n).toLocaleString('en');
console.log(`Instructions per request (callgrind, ${n1} → ${n2} requests, 10 keep-alive connections, logged-in cookie):`);
for (const name of chosen) {
  const rows = [];
  for (const [variant, label] of FRAMEWORKS[name].filter(([id], i) => i === 0 || onlyVariants === undefined || onlyVariants.includes(id))) {
    const low = await instructions(variant, n1);
    const high = await instructions(variant, n2);
    rows.push({ variant, label, perRequest: (high - low) / (n2 - n1) });
  }
  const [bare, ...others] = rows;
  console.log(`  ${bare.label.padEnd(42)} ${fmt(bare.perRequest)}`);
  for (const row of others) {
    // Throughput relative to bare, if instructions set the pace: fewer instructions, more requests per second.
    const ratio = bare.perRequest / row.perRequest;
    console.log(`  ${row.label.padEnd(42)} ${fmt(row.perRequest)}  (${row.perRequest >= bare.perRequest ? '+' : ''}${fmt(row.perRequest - bare.perRequest)})  → ${ratio.toFixed(3)}× bare`);
  }
  const threads = others.find((row) => row.variant.endsWith('threads'));
  if (threads === undefined) continue;
  const ratio = bare.perRequest / threads.perRequest;
  console.log(`  ${threads.label} relative to bare: ${ratio.toFixed(3)}× — goal ≥ 0.9: ${ratio >= 0.9 ? 'PASS' : 'MISS'}`);
  const passport = others.find((row) => row.variant.endsWith('passport'));
  if (passport !== undefined) {
    const vs = passport.perRequest / threads.perRequest;
    console.log(`  ${threads.label} relative to ${passport.label}: ${vs.toFixed(3)}× — goal ≥ 2: ${vs >= 2 ? 'PASS' : 'MISS'}`);
  }
}
rmSync(dir, { recursive: true, force: true });
