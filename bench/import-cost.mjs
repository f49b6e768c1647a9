#!/usr/bin/env node
// What importing @threads-auth/express adds to start-up after express is loaded: each run is a fresh Node
// process that imports express, then the adapter, timing the second import alone. Median of --runs (15).
// Usage: node bench/import-cost.mjs [--runs 15] [--cjs]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const cjs = args.includes('--cjs');
const cwd = fileURLToPath(new URL('../packages/express/', import.meta.url));

const esmProbe = `
const t0 = performance.now(); await import('express'); const t1 = performance.now();
await import('@threads-auth/express'); const t2 = performance.now();
process.stdout.write(JSON.stringify({ express: t1 - t0, adapter: t2 - t1 }));`;
const cjsProbe = `
const t0 = performance.now(); require('express'); const t1 = performance.now();
require('@threads-auth/express'); const t2 = performance.now();
process.stdout.write(JSON.stringify({ express: t1 - t0, adapter: t2 - t1 }));`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = [];
for (let i = 0; i < runs; i++) {
  const out = execFileSync(process.execPath, cjs ? ['-e', cjsProbe] : ['--input-type=module', '-e', esmProbe], { cwd, encoding: 'utf8' });
  samples.push(JSON.parse(out));
}
const adapter = samples.map((s) => s.adapter);
const express = samples.map((s) => s.express);
console.log(`import cost (${cjs ? 'CJS require' : 'ESM import'}), ${runs} fresh processes, median (min – max):`);
console.log(`  express                         ${median(express).toFixed(1)} ms (${Math.min(...express).toFixed(1)} – ${Math.max(...express).toFixed(1)})`);
console.log(`  @threads-auth/express after it  ${median(adapter).toFixed(1)} ms (${Math.min(...adapter).toFixed(1)} – ${Math.max(...adapter).toFixed(1)})  goal ≤ 15 ms: ${median(adapter) <= 15 ? 'PASS' : 'FAIL'}`);
