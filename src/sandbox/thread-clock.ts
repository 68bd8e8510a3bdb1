import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The CPU time of one thread of this process, from Linux's /proc: what the sandbox's deadline counts, so that a thread
 * kept waiting by a busy machine is not taken for a thread stuck in a document. Elsewhere (no /proc) both answer null
 * and the deadline is plain wall-clock time.
 */

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux the project runs on). */
const TICKS_PER_SECOND = 100;

/** The calling thread's kernel id, or null where /proc/thread-self does not exist. */
export function threadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/** CPU time (user and system, ms) the thread `tid` of this process has used; null once it is gone. */
export function threadCpuMs(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
