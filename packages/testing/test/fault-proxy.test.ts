import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../src/index.js';

/** An echo server: what a store would be, reduced to bytes. */
let echo: Server;
let proxy: FaultProxy;

beforeEach(async () => {
  echo = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)).on('error', () => {}));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port } });
});
afterEach(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

function open() {
  const socket = connect(proxy.port, '127.0.0.1');
  const received: string[] = [];
  socket.on('data', (chunk) => received.push(chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  return { socket, received, closed, ready: new Promise<void>((resolve) => socket.once('connect', () => resolve())) };
}
const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startFaultProxy', () => {
  it('forwards both ways in pass mode', async () => {
    const c = open();
    await c.ready;
    c.socket.write('hello');
    await tick();
    expect(c.received.join('')).toBe('hello');
    c.socket.destroy();
  });

  it('holds bytes while stalled and delivers them in order on pass', async () => {
    const c = open();
    await c.ready;
    proxy.stall();
    c.socket.write('one,');
    c.socket.write('two');
    await tick(100);
    expect(c.received).toEqual([]);
    proxy.pass();
    await tick();
    expect(c.received.join('')).toBe('one,two');
    c.socket.destroy();
  });

  it('cut closes open connections; new ones still work', async () => {
    const c = open();
    await c.ready;
    proxy.cut();
    await c.closed;
    const d = open();
    await d.ready;
    d.socket.write('again');
    await tick();
    expect(d.received.join('')).toBe('again');
    d.socket.destroy();
  });

  it('refuse closes new connections until pass', async () => {
    proxy.refuse();
    const c = open();
    await c.closed;
    expect(c.received).toEqual([]);
    proxy.pass();
    const d = open();
    await d.ready;
    d.socket.write('back');
    await tick();
    expect(d.received.join('')).toBe('back');
    expect(proxy.connections).toBe(2);
    d.socket.destroy();
  });
});
