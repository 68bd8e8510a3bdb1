/**
 * A sandbox pool thread: runs one task (tasks.ts) per message and answers its result or its error as data (codes
 * cross the thread boundary; classes do not). Before it starts the task it says so on the task's port, so the
 * deadline counts from the start of the work, not from the wait in the queue. Loaded by piscina only.
 */
import { parentPort, threadId as workerThreadId, type MessagePort } from 'node:worker_threads';
import { SyndicateError } from '../core/errors.js';
import { threadCpuMs, threadId } from './thread-clock.js';
import { TASKS, type TaskName } from './tasks.js';

/** What the main thread sends: the task, its input, and the port that hears "started". */
export interface TaskMessage {
  task: TaskName;
  input: unknown;
  started: MessagePort;
}

/** What a thread says as it starts a task: its kernel thread id (null off Linux) and the CPU time it had used so far. */
export interface TaskStarted {
  tid: number | null;
  cpuMs: number | null;
}

/**
 * What a thread posts once its modules are loaded: the pool must not terminate a thread before that (Node 20 aborts
 * the whole process when a thread is terminated while `require()` still instantiates an ES module graph).
 */
export interface ThreadLoaded {
  syndicateThreadLoaded: number;
}

/** What a task answers: its output, or its error (`code` when it is one of the catalogue's). */
export type TaskAnswer = { ok: true; output: unknown } | { ok: false; code: string | null; message: string; stackOverflow?: boolean };

// This thread's id, read once: the pool's owner reads its CPU time from it while a task runs.
const tid = threadId();
// Posted on the next turn, not now: piscina loads this file with a synchronous `require()`, which is still building
// its module facade while this line runs; by the next turn the load has returned.
queueMicrotask(() => parentPort?.postMessage({ syndicateThreadLoaded: workerThreadId } satisfies ThreadLoaded));

export default async function runTask({ task, input, started }: TaskMessage): Promise<TaskAnswer> {
  started.postMessage({ tid, cpuMs: tid === null ? null : threadCpuMs(tid) } satisfies TaskStarted);
  started.close();
  try {
    return { ok: true, output: await (TASKS[task] as (input: unknown) => unknown)(input) };
  } catch (err) {
    if (err instanceof SyndicateError) return { ok: false, code: err.code, message: err.message };
    const message = err instanceof Error ? err.message : String(err);
    // A document nested deep enough to exhaust the stack is a complexity attack, not a bug of ours.
    return { ok: false, code: null, message, stackOverflow: err instanceof RangeError && /call stack/i.test(message) };
  }
}
