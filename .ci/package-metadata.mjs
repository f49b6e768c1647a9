#!/usr/bin/env node
/**
 * Fails unless every published package carries what its registry page needs: the MIT LICENSE (the root one, and
 * in the tarball as `npm pack --dry-run` lists it), `repository` with its `directory`, `homepage`, `bugs`, and a
 * README whose links are absolute (relative links break on the registry's page) and whose install line is
 * `npm install` (one install style everywhere).
 *
 *   node .ci/package-metadata.mjs [--root <workspace>] [--no-pack]
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

const REPO = 'https://github.com/threads-auth/threads-auth';
const { values } = parseArgs({ options: { root: { type: 'string' }, 'no-pack': { type: 'boolean' } } });
const root = resolve(values.root ?? join(import.meta.dirname, '..'));
const problems = [];

const license = existsSync(join(root, 'LICENSE')) ? readFileSync(join(root, 'LICENSE'), 'utf8') : undefined;
if (license === undefined) problems.push('LICENSE: missing in the repository root');
else if (!/^MIT License\n\nCopyright \(c\) 2026 threads-auth contributors\n/.test(license)) problems.push('LICENSE: not the MIT licence of "threads-auth contributors", 2026');

const packages = readdirSync(join(root, 'packages'))
  .map((entry) => ({ directory: `packages/${entry}`, dir: join(root, 'packages', entry) }))
  .filter(({ dir }) => existsSync(join(dir, 'package.json')))
  .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

for (const { directory, dir, manifest } of packages) {
  const fail = (message) => problems.push(`${manifest.name}: ${message}`);
  const own = join(dir, 'LICENSE');
  if (!existsSync(own)) fail('LICENSE missing');
  else if (readFileSync(own, 'utf8') !== license) fail('LICENSE differs from the root LICENSE');
  if (manifest.license !== 'MIT') fail(`license is ${JSON.stringify(manifest.license)}, not "MIT"`);
  if (manifest.repository?.url !== `git+${REPO}.git`) fail(`repository.url should be "git+${REPO}.git"`);
  if (manifest.repository?.directory !== directory) fail(`repository.directory should be "${directory}"`);
  if (manifest.homepage !== `${REPO}/tree/main/${directory}#readme`) fail(`homepage should be "${REPO}/tree/main/${directory}#readme"`);
  if (manifest.bugs?.url !== `${REPO}/issues`) fail(`bugs.url should be "${REPO}/issues"`);

  const readme = existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : undefined;
  if (readme === undefined) {
    fail('README.md missing');
    continue;
  }
  // Markdown links and images whose target is neither absolute nor an in-page anchor.
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)[^)]*\)/g)) {
    if (!/^(https:\/\/|mailto:|#)/.test(target)) fail(`README link "${target}" is relative: it breaks on the registry's page; link to ${REPO}/…`);
  }
  for (const line of readme.split('\n')) {
    if (/^\s*(pnpm add|pnpm install|yarn add|bun add|npm i )/.test(line)) fail(`README installs with "${line.trim()}": use npm install`);
  }
  if (!readme.split('\n').some((line) => line.startsWith('npm install ') && line.includes(manifest.name))) fail(`README has no "npm install … ${manifest.name}" line`);
}

if (!values['no-pack']) {
  // npm always packs LICENSE and README; this proves it for each package as it is configured today.
  const run = promisify(execFile);
  await Promise.all(
    packages.map(async ({ dir, manifest }) => {
      const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, timeout: 60_000 });
      const files = new Set(JSON.parse(stdout)[0].files.map((file) => file.path));
      for (const required of ['LICENSE', 'README.md', 'package.json']) {
        if (!files.has(required)) problems.push(`${manifest.name}: the tarball does not contain ${required}`);
      }
    }),
  );
}

if (problems.length > 0) {
  console.error(`package metadata: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`package metadata: ok, ${packages.length} published packages have LICENSE, repository, homepage, bugs and registry-safe READMEs`);
