/**
 * Summarizes a V8 .cpuprofile written by `node bench/run.mjs --cpu-prof <variant>`: where the app process
 * spent its busy time, by package and by function (self time), plus the inclusive time of chosen functions.
 *
 *   node bench/profile-summary.mjs bench/profiles/<file>.cpuprofile [--top 25] [--focus handle,resolveSession]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, focus: { type: 'string', default: '' } },
});
if (positionals.length === 0) {
  process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile>... [--top N] [--focus fnA,fnB]\n');
  process.exit(1);
}

/** Where a frame's code lives: a package name, `node:` internals, or a V8 pseudo-frame. */
function owner(url, functionName) {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const workspace = /\/packages\/([^/]+)\/dist\//.exec(url);
  if (workspace) return `@threads-auth/${workspace[1]}`;
  const modules = url.split('/node_modules/');
  if (modules.length > 1) {
    const last = modules[modules.length - 1].split('/');
    return last[0].startsWith('@') ? `${last[0]}/${last[1]}` : last[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench app';
  return url;
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, { ...node, self: 0 }]));
  // Self time from the sample stream: each sample's time delta belongs to the sampled node.
  profile.samples.forEach((id, i) => {
    byId.get(id).self += profile.timeDeltas[i] ?? 0;
  });
  const parent = new Map();
  for (const node of byId.values()) for (const child of node.children ?? []) parent.set(child, node.id);

  let busy = 0;
  const packages = new Map();
  const functions = new Map();
  for (const node of byId.values()) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(root)') continue;
    busy += node.self;
    const pkg = owner(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + node.self);
    const key = `${functionName || '(anonymous)'}  ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + node.self);
  }

  // Inclusive time of focus functions: self time of every sample with the function on its stack, once.
  const focus = values.focus.split(',').filter(Boolean);
  const inclusive = new Map(focus.map((name) => [name, 0]));
  if (focus.length > 0) {
    for (const node of byId.values()) {
      if (node.self === 0) continue;
      const seen = new Set();
      for (let id = node.id; id !== undefined; id = parent.get(id)) {
        const name = byId.get(id).callFrame.functionName;
        if (inclusive.has(name) && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, inclusive.get(name) + node.self);
        }
      }
    }
  }

  const ms = (us) => (us / 1000).toFixed(0).padStart(7);
  const share = (us) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const top = Number(values.top);
  const lines = [`\n${file}`, `busy (not idle): ${ms(busy)} ms`, '', 'by package (self time):'];
  for (const [pkg, us] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${share(us)} ${ms(us)} ms  ${pkg}`);
  lines.push('', `top ${top} functions (self time):`);
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${share(us)} ${ms(us)} ms  ${fn}`);
  if (focus.length > 0) {
    lines.push('', 'inclusive time:');
    for (const [name, us] of inclusive) lines.push(`  ${share(us)} ${ms(us)} ms  ${name}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
