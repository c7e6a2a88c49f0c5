// CPU time a process has used (user + system, Linux /proc/<pid>/stat), for CPU time per request: unlike
// requests per second, it hardly moves when other work shares the cores.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux build Node supports). */
const TICKS_PER_S = 100;

/** Milliseconds of CPU (user + system) the process has used so far, or null off Linux. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}
