/**
 * Proves .ci/engines.mjs can fail: runs it on small workspaces laid out the way pnpm installs them
 * (`packages/<name>/node_modules/<dep>` → `node_modules/.pnpm/<dep>@<v>/node_modules/<dep>`, its own dependencies
 * beside it), built in a temp dir.
 *
 *   node --test .ci/engines.test.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

const SCRIPT = join(import.meta.dirname, 'engines.mjs');
const temps = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * Lays out a workspace. `packages` are workspace packages ({ name: manifest }); `store` are installed
 * packages ({ 'name@version': { engines?, dependencies? } }); a dependency resolves to the store entry of that name.
 */
function workspace({ packages, store }) {
  const root = mkdtempSync(join(tmpdir(), 'engines-fixture-'));
  temps.push(root);
  const write = (file, json) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(json));
  };
  const storeDir = (id) => {
    const name = id.slice(0, id.lastIndexOf('@'));
    return { name, dir: join(root, 'node_modules/.pnpm', id.replace('/', '+'), 'node_modules', name) };
  };
  const idOf = (name) => Object.keys(store).find((id) => id.slice(0, id.lastIndexOf('@')) === name);
  const link = (fromNodeModules, name) => {
    const id = idOf(name);
    // A workspace package links to its folder, as `workspace:^` does; anything else unknown is left missing.
    const source = name in packages ? join(root, 'packages', name) : id === undefined ? undefined : storeDir(id).dir;
    if (source === undefined) return;
    const target = join(fromNodeModules, name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, 'dir');
  };
  for (const [id, manifest] of Object.entries(store)) {
    const { name, dir } = storeDir(id);
    write(join(dir, 'package.json'), { name, version: id.slice(id.lastIndexOf('@') + 1), ...manifest });
    for (const dep of Object.keys(manifest.dependencies ?? {})) link(dirname(dir), dep);
  }
  for (const [name, manifest] of Object.entries(packages)) {
    const dir = join(root, 'packages', name);
    write(join(dir, 'package.json'), { name, version: '0.0.0', ...manifest });
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) link(join(dir, 'node_modules'), dep);
  }
  return root;
}

function run(root) {
  const result = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

const FLOOR = { node: '>=20.19' };

test('passes when every production dependency admits Node 20.19', () => {
  const root = workspace({
    packages: { core: { engines: FLOOR, dependencies: { 'openid-client': '^6' } } },
    store: {
      'openid-client@6.8.9': { dependencies: { jose: '^6' } },
      'jose@6.2.17': { engines: { node: '^20.19.0 || ^22.12.0 || >=23' } },
    },
  });
  const { code, output } = run(root);
  assert.equal(code, 0, output);
  assert.match(output, /engines: ok, 2 production dependencies of 1 published packages/);
});

test('fails on a transitive dependency that requires Node 22, naming the chain', () => {
  const root = workspace({
    packages: {
      core: { engines: FLOOR, dependencies: { 'openid-client': '^6' } },
      express: { engines: FLOOR, dependencies: { core: 'workspace:^' } },
    },
    store: {
      'openid-client@6.8.9': { dependencies: { cookie: '^2' } },
      'cookie@2.0.2': { engines: { node: '>=22' } },
    },
  });
  const { code, output } = run(root);
  assert.equal(code, 1, output);
  assert.match(output, /^ {2}core → openid-client@6\.8\.9 → cookie@2\.0\.2: engines\.node ">=22" excludes Node 20\.19\.0/m);
  // Through the workspace link too: the adapter ships the same dependency to its users.
  assert.match(output, /^ {2}express → core@0\.0\.0 → openid-client@6\.8\.9 → cookie@2\.0\.2: /m);
  assert.doesNotMatch(output, /not installed/);
});

test('fails on a direct dependency that requires Node 22', () => {
  const root = workspace({
    packages: { core: { engines: FLOOR, dependencies: { cookie: '^2' } } },
    store: { 'cookie@2.0.2': { engines: { node: '>=22' } } },
  });
  const { code, output } = run(root);
  assert.equal(code, 1, output);
  assert.match(output, /core → cookie@2\.0\.2/);
});

test('fails when a production dependency is not installed, since it cannot be checked', () => {
  const root = workspace({ packages: { core: { engines: FLOOR, dependencies: { ghost: '^1' } } }, store: {} });
  const { code, output } = run(root);
  assert.equal(code, 1, output);
  assert.match(output, /core → ghost: not installed/);
});

test('ignores dev dependencies and private packages', () => {
  const root = workspace({
    packages: {
      core: { engines: FLOOR, devDependencies: { cookie: '^2' } },
      example: { private: true, engines: FLOOR, dependencies: { cookie: '^2' } },
    },
    store: { 'cookie@2.0.2': { engines: { node: '>=22' } } },
  });
  const { code, output } = run(root);
  assert.equal(code, 0, output);
});

test('fails on a published package without an engines.node range', () => {
  const root = workspace({ packages: { core: { dependencies: {} } }, store: {} });
  const { code, output } = run(root);
  assert.equal(code, 1, output);
  assert.match(output, /core: engines\.node is missing/);
});
