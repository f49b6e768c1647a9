/**
 * Child processes of the benchmark: each app variant and the load generator run in their own Node process,
 * pinned to one CPU with `taskset -c` when it exists, and spoken to over Node's IPC channel. Every child is
 * tracked here and ended on exit, on failure and on Ctrl-C; a child also ends itself when the IPC channel
 * closes (the parent died), so nothing outlives a run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

const live = new Set();
let nextId = 1;

/** True when `taskset` runs here; without it children are left unpinned (and the report says so). */
export const canPin = spawnSync('taskset', ['-c', '0', process.execPath, '-e', ''], { stdio: 'ignore' }).status === 0;

/** The CPUs the kernel lets `pid` run on, e.g. `1`, from /proc (Linux), or `unknown`. */
export function allowedCpus(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Sets `pid`'s nice (and its autogroup's, where autogroups exist); returns the nice value the OS accepted. */
function raisePriority(pid, nice) {
  try {
    setPriority(pid, nice);
  } catch {
    return 0;
  }
  if (existsSync('/proc/sys/kernel/sched_autogroup_enabled') && readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1') {
    try {
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch {
      return 0;
    }
  }
  return nice;
}

/**
 * Starts `script` in a Node child, pinned to `cpu` when possible, and resolves once it sent `{ type: 'ready' }`.
 *
 * @param {object} spec
 * @param {string} spec.name - For messages.
 * @param {string} spec.script - Absolute path of the .mjs to run.
 * @param {string[]} [spec.args]
 * @param {number} [spec.cpu] - CPU to pin to.
 * @param {string[]} [spec.nodeArgs] - e.g. `['--cpu-prof', ...]`.
 * @param {Record<string, string>} [spec.env] - Added to the environment.
 * @param {number} [spec.priority] - A nice value, e.g. -10 (needs root or CAP_SYS_NICE); the child's `priority`
 *   is set to what the OS accepted.
 * @param {number} [spec.readyTimeoutMs]
 * @returns {Promise<Child>}
 */
export async function startChild({ name, script, args = [], cpu, nodeArgs = [], env = {}, priority, readyTimeoutMs = 15_000 }) {
  const nodeArgv = [...nodeArgs, script, ...args];
  const pinned = canPin && cpu !== undefined;
  // With a priority, the child gets a session of its own (`detached`): with the scheduler's autogroups on,
  // a nice value only counts inside its session's group, so the group's nice is the one to raise.
  const options = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env }, detached: priority !== undefined };
  const proc = pinned ? spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeArgv], options) : spawn(process.execPath, nodeArgv, options);
  const child = new Child(name, proc);
  live.add(child);
  if (priority !== undefined) child.priority = raisePriority(proc.pid, priority);
  const ready = await child.waitFor('ready', readyTimeoutMs);
  child.info = ready;
  child.cpus = allowedCpus(proc.pid);
  return child;
}

/** A running child: request/response over IPC, and a clean stop. */
export class Child {
  constructor(name, proc) {
    this.name = name;
    this.proc = proc;
    this.pending = new Map();
    this.waiters = [];
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    proc.on('message', (message) => this.#onMessage(message));
    proc.once('exit', (code, signal) => {
      live.delete(this);
      const error = new Error(`${name} exited (code ${code}, signal ${signal})`);
      for (const { reject } of this.pending.values()) reject(error);
      for (const waiter of this.waiters) waiter.reject(error);
      this.pending.clear();
      this.waiters = [];
    });
  }

  get pid() {
    return this.proc.pid;
  }

  #onMessage(message) {
    if (message?.type === 'reply') {
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(`${this.name}: ${message.error}`));
      return;
    }
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.type !== message?.type) return true;
      clearTimeout(waiter.timer);
      waiter.resolve(message);
      return false;
    });
  }

  /** Resolves with the next message of `type`. */
  waitFor(type, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ type, resolve, reject, timer });
    });
  }

  /** Sends `{ cmd, ...payload }` and resolves the child's reply. */
  request(cmd, payload = {}, timeoutMs = 30_000) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no reply to "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.proc.send({ id, cmd, ...payload });
    });
  }

  /** Asks the child to exit (so `--cpu-prof` can write its profile), then kills it if it does not. */
  async stop(graceMs = 5_000) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      if (this.proc.connected) this.proc.send({ id: 0, cmd: 'shutdown' });
    } catch {
      // the channel is already gone: fall through to the kill
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Stops every child still running. */
export async function stopAll() {
  await Promise.all([...live].map((child) => child.stop()));
}

/** Kills every child at once; for `exit` handlers, which cannot wait. */
export function killAll() {
  for (const child of live) child.proc.kill('SIGKILL');
}
