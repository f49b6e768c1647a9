/**
 * The hot-route overhead in CPU instructions, which (unlike req/s on a shared VM) repeats to within a fraction
 * of a percent: each variant's server runs under `valgrind --tool=callgrind` and serves N₁ then N₂ requests
 * (10 keep-alive connections, the same logged-in Cookie header); instructions per request are
 * (I(N₂) − I(N₁)) / (N₂ − N₁), so start-up and JIT warm-up cancel out.
 *
 *   node bench/instructions.mjs [--requests 1000,6000]
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
const [n1, n2] = (arg === -1 ? '1000,6000' : process.argv[arg + 1]).split(',').map(Number);
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
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, `${variant}-${total}.out`)}`, process.execPath, server, variant, String(total), readyFile], {
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

const perRequest = {};
for (const variant of ['bare', 'threads']) {
  const low = await instructions(variant, n1);
  const high = await instructions(variant, n2);
  perRequest[variant] = (high - low) / (n2 - n1);
}
rmSync(dir, { recursive: true, force: true });
const ratio = perRequest.bare / perRequest.threads;
console.log(`Instructions per request (callgrind, ${n1} → ${n2} requests, 10 keep-alive connections, logged-in cookie):`);
console.log(`  a. bare Express               ${Math.round(perRequest.bare).toLocaleString('en')}`);
console.log(`  b. threadsAuth, cookie mode   ${Math.round(perRequest.threads).toLocaleString('en')}  (+${Math.round(perRequest.threads - perRequest.bare).toLocaleString('en')})`);
console.log(`  b's throughput relative to a, if instructions set the pace: ${ratio.toFixed(3)}× — goal ≥ 0.9: ${ratio >= 0.9 ? 'PASS' : 'MISS'}`);
