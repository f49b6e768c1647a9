/**
 * CPU accounting from /proc (Linux), to tell whether a round measured what it claims: the app process
 * should be busy near 100 % of its CPU (else the load generator or something else was the limit), and
 * processes outside the benchmark should be near idle (else the machine was shared during the round).
 * Elsewhere every figure is `undefined` and the report says "n/a".
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

// USER_HZ: 100 on every mainstream Linux build; /proc/stat and /proc/<pid>/stat count in these ticks.
const TICKS_PER_SECOND = 100;

/** Busy ticks of the whole machine (all CPUs), or undefined off Linux. */
function machineBusyTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already inside user.
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return undefined;
  }
}

/** utime + stime ticks of `pid`, or 0 when it is gone. */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Starts measuring; `stop()` returns, as a share of one CPU (1 = one CPU fully busy), the busy time of each
 * watched pid and of everything else on the machine.
 *
 * @param {Record<string, number | undefined>} pids - Named processes of the benchmark (app, load, redis, self).
 */
export function startCpuWatch(pids) {
  const named = Object.entries(pids).filter(([, pid]) => pid !== undefined);
  const t0 = performance.now();
  const machine0 = machineBusyTicks();
  const own0 = named.map(([, pid]) => processTicks(pid));
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const machine1 = machineBusyTicks();
      if (machine0 === undefined || machine1 === undefined || seconds <= 0) return { seconds, others: undefined, cpus: os.cpus().length };
      const share = (ticks) => ticks / TICKS_PER_SECOND / seconds;
      const result = { seconds, cpus: os.cpus().length };
      let ownTicks = 0;
      named.forEach(([name, pid], i) => {
        const ticks = processTicks(pid) - own0[i];
        ownTicks += ticks;
        result[name] = share(ticks);
      });
      result.others = Math.max(0, share(machine1 - machine0 - ownTicks));
      return result;
    },
  };
}

/** Load averages, for the report header. */
export function loadAverage() {
  return os.loadavg().map((n) => n.toFixed(2)).join(' / ');
}
