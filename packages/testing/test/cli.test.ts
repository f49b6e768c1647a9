import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

/** Starts the built CLI and resolves with what it printed once it is listening. */
function startCli(args: string[]): Promise<string> {
  child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child?.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Press Ctrl+C')) resolve(output);
    });
    child?.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

function exitCode(): Promise<number | null> {
  return new Promise((resolve) => child?.once('exit', (code) => resolve(code)));
}

// The CLI is tested as shipped, from dist: run `pnpm build` first (the package's test script follows it).
describe.skipIf(!existsSync(CLI))('threads-auth-fake (built CLI)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints the URLs and credentials, serves, and exits 0 on %s', async (signal) => {
    const output = await startCli(['--port', '0', '--host', '127.0.0.1', '--client-id', '555']);
    const graphUrl = /graph URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(graphUrl).toBeDefined();
    expect(output).toContain(`authorization URL  ${graphUrl}/oauth/authorize`);
    expect(output).toMatch(/client id\s+555/);
    expect(output).toMatch(/client secret\s+fake-threads-app-secret/);
    const res = await fetch(`${graphUrl}/v1.0/me?access_token=x`);
    expect(res.status).toBe(400);
    const exited = exitCode();
    child?.kill(signal);
    expect(await exited).toBe(0);
  });

  it('exits 2 with usage on a bad option', async () => {
    child = spawn(process.execPath, [CLI, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await exitCode()).toBe(2);
    expect(stderr).toMatch(/options\.port/);
    expect(stderr).toContain('Usage: threads-auth-fake');
  });
});

describe('the threads-auth-fake bin entry', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string>; files: string[] };
  const bin = manifest.bin['threads-auth-fake']!;
  const binPath = fileURLToPath(new URL(`../${bin}`, import.meta.url));

  it('is a committed, executable file outside dist that the package ships, so installs can link it before a build', () => {
    expect(bin).not.toMatch(/^(\.\/)?dist\//);
    expect(statSync(binPath).mode & 0o111).not.toBe(0);
    expect(manifest.files).toContain(bin.replace(/^\.\//, '').split('/')[0]);
  });

  it.skipIf(!existsSync(CLI))('runs the built CLI: --help prints the usage and exits 0', async () => {
    child = spawn(binPath, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    expect(await exitCode()).toBe(0);
    expect(stdout).toContain('Usage: threads-auth-fake [options]');
  });
});
