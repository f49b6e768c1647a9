/**
 * A TCP proxy that can stall and cut connections: put it between an app and its store (Redis, PostgreSQL) to
 * prove what the app does when the store hangs, drops every connection, or refuses new ones, without touching
 * the real server.
 *
 * @module
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What {@link startFaultProxy} takes. */
export interface FaultProxyOptions {
  /** Where to forward to. */
  readonly target: { readonly host: string; readonly port: number };
  /** The port to listen on (127.0.0.1). Default 0: any free port. */
  readonly port?: number;
}

/** The proxy's current behaviour. */
export type FaultMode =
  /** Forward bytes both ways. */
  | 'pass'
  /** Accept and keep connections but forward nothing (a hung server); bytes are held and delivered on `pass`. */
  | 'stall'
  /** Accept new connections and close them at once (a server that is down); existing ones are cut. */
  | 'refuse';

/** A running fault proxy. */
export interface FaultProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** `host:port` to point a client at. */
  readonly address: string;
  /** The mode in force. */
  readonly mode: FaultMode;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Forward again; held bytes of stalled connections flow. */
  pass(): void;
  /** Hold every byte, both ways, on every connection (new ones too), until {@link FaultProxy.pass}. */
  stall(): void;
  /** Destroy every open connection (both sides) now; new ones are accepted as the current mode says. */
  cut(): void;
  /** Cut everything and close new connections at once until {@link FaultProxy.pass}. */
  refuse(): void;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Bytes held while stalled, per direction, delivered in order on `pass`. */
  readonly held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

/**
 * Starts a fault proxy on 127.0.0.1 in `pass` mode.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: 6379 } });
 * const store = new RedisTokenStore({ url: `redis://${proxy.address}` });
 * proxy.stall();   // the store now hangs
 * proxy.cut();     // every connection drops
 * proxy.pass();    // back to normal
 * ```
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let mode: FaultMode = 'pass';
  let accepted = 0;

  // Bytes are forwarded by hand rather than with pipe(): pipe's backpressure handling resumes a paused
  // source on drain, which would let bytes through a stall.
  const flush = (pair: Pair) => {
    for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
  };
  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const server: Server = createServer((client) => {
    accepted++;
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect(options.target.port, options.target.host);
    const pair: Pair = { client, upstream, held: { toUpstream: [], toClient: [] } };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => (mode === 'pass' ? upstream.write(chunk) : pair.held.toUpstream.push(chunk)));
    upstream.on('data', (chunk: Buffer) => (mode === 'pass' ? client.write(chunk) : pair.held.toClient.push(chunk)));
    client.on('error', () => destroy(pair));
    upstream.on('error', () => destroy(pair));
    client.on('close', () => destroy(pair));
    upstream.on('close', () => destroy(pair));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const proxy: FaultProxy = {
    port,
    address: `127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    get connections() {
      return accepted;
    },
    pass() {
      mode = 'pass';
      for (const pair of pairs) flush(pair);
    },
    stall() {
      mode = 'stall';
    },
    cut() {
      for (const pair of [...pairs]) destroy(pair);
    },
    refuse() {
      mode = 'refuse';
      for (const pair of [...pairs]) destroy(pair);
    },
    close() {
      for (const pair of [...pairs]) destroy(pair);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
