/**
 * The few things `RedisTokenStore` asks of a Redis client, over the three kinds it accepts: an ioredis `Redis`
 * (standalone or Sentinel), an ioredis `Cluster`, and a node-redis client (`redis` 4 or 5, `createClient()`).
 * Commands go as argument arrays, so one store sends the same commands through every client.
 *
 * @module
 */
import type { Cluster, Redis } from 'ioredis';

/**
 * The part of a node-redis client (`createClient()` of `redis` 4 or 5) the store uses. Connect it (and give it an
 * `'error'` listener) before handing it over; the store duplicates it once for its subscription.
 */
export interface NodeRedisClient {
  /** True once `connect()` was called and until the client is closed. */
  readonly isOpen: boolean;
  /** True while connected. */
  readonly isReady: boolean;
  /** Sends one raw command, e.g. `['GET', key]`. */
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its arguments per major; the store sends strings.
  sendCommand(args: any): Promise<unknown>;
  /** Starts a MULTI (only used to tell a client from other objects). */
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its arguments per major.
  multi(): { addCommand(args: any): unknown; exec(): Promise<unknown> };
  /** A new, unconnected client with the same options: the store's subscription connection. */
  // biome-ignore lint/suspicious/noExplicitAny: node-redis' duplicate() is generic over modules and scripts.
  duplicate(): any;
  /** Connects. */
  connect(): Promise<unknown>;
  /** Listens to `'error'`, `'ready'`, `'reconnecting'`, `'end'`. */
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** Any client the store accepts. */
export type RedisClientLike = Redis | Cluster | NodeRedisClient;

/** What a subscription reports to the store. */
export interface SubscriptionEvents {
  /** A message on the channel. */
  message(text: string): void;
  /** The subscription may have missed messages (its connection dropped). */
  down(): void;
  /** The subscription is live again after `down`. */
  up(): void;
}

/** The store's own subscription connection. */
export interface Subscription {
  /** Resolves once the first SUBSCRIBE is acknowledged. */
  readonly ready: Promise<void>;
  /** Unsubscribes and closes the connection. */
  close(): Promise<void>;
}

/** One client, seen through the store's eyes. */
export interface RedisConnection {
  /** `ioredis`, `ioredis-cluster` or `node-redis`. */
  readonly kind: 'ioredis' | 'ioredis-cluster' | 'node-redis';
  /**
   * What the client itself puts before every key it sends (ioredis' `keyPrefix` option), so that keys a script
   * builds from its arguments match the keys the client prefixed. Empty for node-redis.
   */
  readonly clientKeyPrefix: string;
  /** Sends one command and resolves its reply. */
  send(args: readonly string[]): Promise<unknown>;
  /** Opens a connection of the store's own subscribed to `channel`. */
  subscribe(channel: string, events: SubscriptionEvents): Subscription;
  /** Closes the client (only for a client the store created). */
  close(): Promise<void>;
}

/** What kind of client `client` is, or `undefined` when it is none the store knows. */
export function clientKind(client: unknown): RedisConnection['kind'] | 'node-redis-cluster' | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const c = client as Record<string, unknown>;
  if (typeof c['call'] === 'function' && typeof c['duplicate'] === 'function' && typeof c['isCluster'] === 'boolean') {
    return c['isCluster'] ? 'ioredis-cluster' : 'ioredis';
  }
  if (typeof c['sendCommand'] === 'function' && typeof c['multi'] === 'function' && 'isOpen' in c) {
    // node-redis' RedisCluster routes by key and has masters/slots; its sendCommand takes (key, readonly, args).
    return 'masters' in c || typeof c['getSlotMaster'] === 'function' ? 'node-redis-cluster' : 'node-redis';
  }
  return undefined;
}

/** Wraps an ioredis `Redis` or `Cluster`. */
export function ioredisConnection(client: Redis | Cluster): RedisConnection {
  const cluster = client.isCluster;
  const options = client.options as { keyPrefix?: unknown };
  return {
    kind: cluster ? 'ioredis-cluster' : 'ioredis',
    clientKeyPrefix: typeof options.keyPrefix === 'string' ? options.keyPrefix : '',
    // Through the named command methods (client.get, client.eval, …), which exist on Redis and Cluster alike.
    send: (args) => (client as unknown as Record<string, (...rest: string[]) => Promise<unknown>>)[args[0]!.toLowerCase()]!(...args.slice(1)),
    subscribe(channel, events) {
      const subscriber = client.duplicate();
      let lost = false;
      let closing = false;
      // The store owns this connection: its errors are reported through down(), never left unhandled.
      subscriber.on('error', () => {});
      subscriber.on('message', (received: string, message: string) => {
        if (received === channel) events.message(message);
      });
      subscriber.on('close', () => {
        lost = true;
        events.down();
      });
      subscriber.on('ready', () => {
        if (!lost || closing) return;
        lost = false;
        // ioredis resubscribes by itself; subscribing again tells us when it has happened.
        subscriber.subscribe(channel).then(
          () => {
            if (!closing) events.up();
          },
          () => {},
        );
      });
      const ready = subscriber.subscribe(channel).then(() => undefined);
      ready.catch(() => {});
      return {
        ready,
        async close() {
          closing = true;
          await quitIoredis(subscriber);
        },
      };
    },
    close: () => quitIoredis(client),
  };
}

/** Wraps a node-redis client (`redis` 4 or 5). */
export function nodeRedisConnection(client: NodeRedisClient): RedisConnection {
  return {
    kind: 'node-redis',
    clientKeyPrefix: '',
    send: (args) => client.sendCommand([...args]),
    subscribe(channel, events) {
      const subscriber = client.duplicate() as ClosableNodeRedis & {
        subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
      };
      let lost = false;
      let closing = false;
      let subscribed = false;
      const down = () => {
        if (closing) return;
        lost = true;
        events.down();
      };
      // An 'error' without a listener would crash the process: node-redis emits one on every lost socket, after
      // marking itself not ready. Any other error leaves the subscription as it is.
      subscriber.on('error', () => {
        if (!subscriber.isReady) down();
      });
      subscriber.on('reconnecting', down);
      subscriber.on('end', down);
      // node-redis emits 'ready' only after its resubscribe commands were acknowledged (and before the first
      // SUBSCRIBE was even sent: that one is awaited below).
      subscriber.on('ready', () => {
        if (!lost || closing || !subscribed) return;
        lost = false;
        events.up();
      });
      const ready = (async () => {
        await subscriber.connect();
        await subscriber.subscribe(channel, (message: string) => events.message(message));
        subscribed = true;
        lost = false;
      })();
      ready.catch(() => {});
      return {
        ready,
        async close() {
          closing = true;
          await quitNodeRedis(subscriber);
        },
      };
    },
    close: () => quitNodeRedis(client as ClosableNodeRedis),
  };
}

async function quitIoredis(connection: Redis | Cluster): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}

type ClosableNodeRedis = NodeRedisClient & { quit(): Promise<unknown>; disconnect(): Promise<unknown>; close?(): Promise<unknown> };

async function quitNodeRedis(connection: ClosableNodeRedis): Promise<void> {
  if (!connection.isOpen) return;
  if (!connection.isReady) {
    await connection.disconnect().catch(() => {});
    return;
  }
  try {
    // node-redis 5 renamed quit() to close().
    await (typeof connection.close === 'function' ? connection.close() : connection.quit());
  } catch {
    await connection.disconnect().catch(() => {});
  }
}
