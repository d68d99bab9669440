/** What /proc says about a benchmarked server. */
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far: all its threads, or one (`task`). */
export function cpuSeconds(pid: number, task?: number): number {
  const stat = readFileSync(task ? `/proc/${pid}/task/${task}/stat` : `/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks of 1/100 s
}
