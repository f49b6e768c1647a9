/**
 * `pnpm demo` and its port: it honours PORT, and refuses to start (non-zero exit, a message naming the port and the
 * fix) when the port is taken, instead of printing a URL that reaches another app. Runs the built demo
 * (dist/server.js, built before the tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) server.close();
});

async function occupiedPort(): Promise<number> {
  const server = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nother app'));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the demo against the fake (no THREADS_APP_ID) with `PORT`. */
function startDemo(port: string): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: port };
  for (const name of ['THREADS_APP_ID', 'THREADS_APP_SECRET', 'THREADS_REDIRECT_URI']) delete env[name];
  const child = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the demo and PORT', () => {
  it('exits non-zero on a port already in use, naming the port and PORT=… pnpm demo', async () => {
    const port = await occupiedPort();
    const demo = startDemo(String(port));
    expect(await exitCode(demo.child)).toBe(1);
    expect(demo.output()).toContain(`port ${port} is already in use`);
    expect(demo.output()).toMatch(/PORT=\d+ pnpm demo/);
    expect(demo.output()).not.toContain('open http');
    // The other app still has the port.
    await expect(fetch(`http://127.0.0.1:${port}/`).then((res) => res.text())).resolves.toBe('other app');
  });

  it('listens on PORT and serves the demo there', async () => {
    const port = await freePort();
    const demo = startDemo(String(port));
    await new Promise<void>((resolve, reject) => {
      demo.child.stdout!.on('data', () => {
        if (demo.output().includes(`open http://127.0.0.1:${port}/`)) resolve();
      });
      demo.child.once('exit', (code) => reject(new Error(`the demo exited with ${code}: ${demo.output()}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are not signed in.');
  });

  it.each(['abc', '0', '70000'])('exits non-zero on PORT=%s, saying what PORT must be', async (value) => {
    const demo = startDemo(value);
    expect(await exitCode(demo.child)).toBe(1);
    expect(demo.output()).toContain(`PORT must be a port number from 1 to 65535, got "${value}"`);
  });
});
