/**
 * The child side of the IPC protocol in children.mjs: a child announces `{ type: 'ready', ... }`, then answers
 * `{ id, cmd, ...payload }` requests with `{ type: 'reply', id, ok, result | error }`.
 */

/** Tells the parent this child is ready, with whatever it needs to know (e.g. the port). */
export function announceReady(info = {}) {
  process.send({ type: 'ready', ...info });
}

/**
 * Serves IPC requests in a child: `handlers[cmd](message)` resolves the reply; `shutdown` calls `onShutdown`
 * then exits. The child exits by itself when its parent goes away.
 */
export function serveParent(handlers, onShutdown = async () => {}) {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await onShutdown();
    } finally {
      process.exit(0);
    }
  };
  process.on('disconnect', shutdown);
  process.on('message', async (message) => {
    if (message.cmd === 'shutdown') return shutdown();
    const handler = handlers[message.cmd];
    try {
      if (handler === undefined) throw new Error(`unknown command ${message.cmd}`);
      const result = await handler(message);
      process.send({ type: 'reply', id: message.id, ok: true, result });
    } catch (error) {
      process.send({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
}
