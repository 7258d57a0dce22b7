// CPU time the hypervisor gave to other guests ("steal", /proc/stat), as a share of all CPU time
// between two readings. On the project's VM `top` showed 25% steal in one bench run and none in the
// next, while one build read 87k-138k spans per CPU-second and the decode ceiling 248k-466k across
// the session's runs. Steal does not show every kind of contention (a busy sibling hyperthread
// does not count), but when it is high the figures are not the code's: the bench reports it.
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  steal: number;
  total: number;
}

export function cpuTimes(): CpuTimes {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { steal: f[7] ?? 0, total };
}

/** Steal between two readings, in percent of all CPU time (NaN when no time passed). */
export function stealPct(a: CpuTimes, b: CpuTimes): number {
  const total = b.total - a.total;
  return total > 0 ? ((b.steal - a.steal) / total) * 100 : NaN;
}
