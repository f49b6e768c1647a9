#!/usr/bin/env node
/**
 * Fails when a production dependency (direct or transitive) of a published package declares an `engines.node`
 * range that excludes the package's own Node floor (the lowest version its `engines.node` admits, 20.19.0 today).
 *
 * Offline: it reads the installed package.json files, resolving each dependency the way Node does (the nearest
 * `node_modules/<name>` from the real path of the package that depends on it), which follows pnpm's
 * `node_modules/.pnpm` tree as well as npm's flat one. Peer dependencies are the user's choice and not walked;
 * dev dependencies never reach a user.
 *
 *   node .ci/engines.mjs [--root <workspace>]
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import semver from 'semver';

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = resolve(values.root ?? join(import.meta.dirname, '..'));

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The directory of `name` as Node would resolve it from the package in `fromDir`, or undefined. */
function resolvePackage(name, fromDir) {
  for (let dir = realpathSync(fromDir); ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const packagesDir = join(root, 'packages');
const published = readdirSync(packagesDir)
  .map((entry) => join(packagesDir, entry))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
  .filter(({ manifest }) => manifest.private !== true);

const problems = [];
const checked = new Set();
for (const { dir, manifest } of published) {
  const range = manifest.engines?.node;
  const floor = range === undefined ? undefined : semver.minVersion(range);
  if (floor === undefined || floor === null) {
    problems.push(`${manifest.name}: engines.node is missing or not a semver range (${range})`);
    continue;
  }
  const seen = new Set();
  const walk = (pkgDir, pkg, chain) => {
    const deps = { ...pkg.optionalDependencies, ...pkg.dependencies };
    for (const name of Object.keys(deps)) {
      const depDir = resolvePackage(name, pkgDir);
      if (depDir === undefined) {
        if (!(name in (pkg.optionalDependencies ?? {}))) problems.push(`${[...chain, name].join(' → ')}: not installed, cannot check its engines`);
        continue;
      }
      if (seen.has(depDir)) continue;
      seen.add(depDir);
      const dep = readJson(join(depDir, 'package.json'));
      const label = `${dep.name}@${dep.version}`;
      checked.add(label);
      const depRange = dep.engines?.node;
      if (depRange !== undefined && !(semver.validRange(depRange) && semver.satisfies(floor, depRange))) {
        problems.push(`${[...chain, label].join(' → ')}: engines.node "${depRange}" excludes Node ${floor} (${manifest.name} declares "${range}")`);
      }
      walk(depDir, dep, [...chain, label]);
    }
  };
  walk(dir, manifest, [manifest.name]);
}

if (problems.length > 0) {
  console.error(`engines: ${problems.length} production dependenc${problems.length === 1 ? 'y does' : 'ies do'} not support the declared Node floor:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`engines: ok, ${checked.size} production dependencies of ${published.length} published packages support their Node floor`);
