#!/usr/bin/env node
/**
 * What a user gets from the registry, checked before publishing: packs every published package (`pnpm pack`, which
 * rewrites `workspace:` ranges as `pnpm publish` does), installs the tarballs with npm into fresh projects outside
 * the workspace, type-checks consumers under `module: nodenext`, and runs a full sign-in against the packed fake:
 *
 * - ESM (`"type": "module"`): Express 5 and Koa 3, and every package's types;
 * - CommonJS (`"type": "commonjs"`, compiled to require()): Express 4.
 *
 * Consumer sources are in .ci/packed-consumer/ (shared/ is copied into both projects). Needs the packages built
 * (`pnpm build`) and the npm registry for the frameworks.
 *
 *   node .ci/packed-consumer.mjs [--keep]
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({ options: { keep: { type: 'boolean' } } });
const root = join(import.meta.dirname, '..');
const fixtures = join(import.meta.dirname, 'packed-consumer');
const started = Date.now();
const run = promisify(execFile);

function fail(message) {
  console.error(`packed consumer: FAILED: ${message}`);
  process.exit(1);
}

/** Runs a command; on failure, its output goes into the error. */
async function sh(command, args, options) {
  try {
    return await run(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 180_000, ...options });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    fail(`${[command, ...args].join(' ')} (in ${options?.cwd ?? root}) failed:\n${output || error.message}`);
  }
}

const published = readdirSync(join(root, 'packages'))
  .map((entry) => join(root, 'packages', entry))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);
for (const { dir, manifest } of published) {
  if (!existsSync(join(dir, 'dist'))) fail(`${manifest.name} is not built: run pnpm build first`);
}

const work = mkdtempSync(join(tmpdir(), 'threads-auth-packed-'));
try {
  // 1. Pack, as `pnpm publish` would.
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  await sh('npx', ['--yes', 'pnpm@10.34.9', '-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], { cwd: root });
  const tarballOf = {};
  for (const { manifest } of published) {
    const file = join(tarballs, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!existsSync(file)) fail(`pnpm pack wrote no ${file} for ${manifest.name}`);
    tarballOf[manifest.name] = file;
    const { stdout: listing } = await sh('tar', ['-tzf', file]);
    const files = new Set(listing.split('\n'));
    for (const required of ['LICENSE', 'README.md', 'package.json', ...Object.values(manifest.bin ?? {})]) {
      if (!files.has(`package/${required.replace(/^\.\//, '')}`)) fail(`${manifest.name}'s tarball has no ${required}`);
    }
    const { stdout: packed } = await sh('tar', ['-xzOf', file, 'package/package.json']);
    if (packed.includes('workspace:')) fail(`${manifest.name}'s packed package.json still has a workspace: range`);
  }
  console.log(`packed consumer: packed ${published.length} packages, each with LICENSE and README, no workspace: ranges`);

  // 2. Two fresh npm projects outside the workspace.
  const project = (name, type, install) => {
    const dir = join(work, name);
    cpSync(join(fixtures, name), dir, { recursive: true });
    cpSync(join(fixtures, 'shared'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `threads-auth-packed-${name}`, private: true, type }, null, 2));
    return { name, dir, install };
  };
  const all = published.map(({ manifest }) => tarballOf[manifest.name]);
  const projects = [
    project('esm', 'module', [
      ...all,
      'express@5',
      'koa@3',
      // NestJS 12 depends on file-type 22 (Node >= 22): on the Node 20 floor, Nest 11 is what users can run.
      '@nestjs/common@11',
      '@nestjs/core@11',
      'reflect-metadata@0.2',
      'rxjs@7',
      '@types/express@5',
      '@types/koa@3',
      '@types/pg@8',
      'typescript@5.9',
      '@types/node@20',
    ]),
    project('cjs', 'commonjs', [
      ...['@threads-auth/core', '@threads-auth/express', '@threads-auth/testing'].map((name) => tarballOf[name]),
      'express@4',
      '@types/express@4',
      'typescript@5.9',
      '@types/node@20',
    ]),
  ];
  // --engine-strict: a dependency that excludes this Node (the CI runs the floor's major) fails the install.
  await Promise.all(
    projects.map(({ dir, install }) => sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--engine-strict', '--loglevel=error', ...install], { cwd: dir })),
  );
  for (const { name, dir } of projects) {
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path.includes('node_modules/@threads-auth/')) continue;
      // Every copy of our packages must be a tarball from step 1, never a registry version of the same name.
      if (path.split('node_modules/').length > 2) fail(`${name}: a nested ${path} was installed instead of the packed one`);
      if (!String(entry.resolved ?? '').startsWith('file:')) fail(`${name}: ${path} came from ${entry.resolved}, not the packed tarball`);
    }
  }
  console.log(`packed consumer: installed the tarballs with npm --engine-strict into ${projects.map((p) => p.name).join(' and ')} projects under ${tmpdir()}`);

  // 3. Type-check (and compile) each consumer under module: nodenext.
  await Promise.all(projects.map(({ dir }) => sh(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir })));
  console.log('packed consumer: type-checked the ESM and CJS consumers (module: nodenext)');

  // 4. A full sign-in in each, against the packed fake.
  const logins = [
    ['esm', 'out/login-express.js'],
    ['esm', 'out/login-koa.js'],
    ['cjs', 'out/login-express.js'],
  ];
  for (const [name, script] of logins) {
    const { stdout } = await sh(process.execPath, [script], { cwd: join(work, name), timeout: 30_000 });
    console.log(`packed consumer: ${stdout.trim()}`);
  }

  // 5. The fake's bin, linked from the tarball by npm.
  const { stdout: help } = await sh(join(work, 'cjs/node_modules/.bin/threads-auth-fake'), ['--help'], { cwd: join(work, 'cjs') });
  if (!help.includes('Usage: threads-auth-fake')) fail(`threads-auth-fake --help printed:\n${help}`);
  console.log('packed consumer: the installed threads-auth-fake bin runs (--help)');
  console.log(`packed consumer: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  if (values.keep) console.log(`packed consumer: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
