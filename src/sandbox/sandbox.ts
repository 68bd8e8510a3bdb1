import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { SyndicationConfig } from '../config/schema.js';
import { SyndicateError, type ErrorCode } from '../core/errors.js';
import type { TaskName, TaskInput, TaskOutput } from './tasks.js';
import { threadCpuMs } from './thread-clock.js';
import type { TaskAnswer, TaskMessage, TaskStarted, ThreadLoaded } from './worker.js';

/** How the pool runs untrusted work (from the configuration's `limits`). */
export interface SandboxOptions {
  /**
   * Time one task may run, from its start in a thread (not its wait in the queue): the thread's own CPU time where
   * Linux tells it (a thread kept off the cores by a busy machine is not stuck), else wall-clock time.
   */
  deadlineMs: number;
  /** Wall-clock time one task may run whatever its CPU time says; default 10 × `deadlineMs`. */
  wallDeadlineMs?: number;
  /**
   * Added to the threads' nice value (Linux; default 5): the process's main thread, which answers the API and
   * `/healthz` and drives the queues, comes first when the cores are busy, and the documents wait.
   */
  niceIncrement?: number;
  /** Time a task may wait for a free thread: past it, it fails with `SYN_ERR_SANDBOX_BUSY` (retried later). Default 30 s. */
  queueWaitMs?: number;
  /** Heap (old generation) one thread may use, in MiB: past it the thread dies and the task fails. */
  maxHeapMb: number;
  /** Threads at most; default: the machine's cores. */
  threads?: number;
}

/** Why a task was given up. */
export type OverrunReason = 'deadline' | 'memory' | 'depth';

/** What the sandbox tells its owner (metrics, logs) about tasks it gave up. */
export interface SandboxObserver {
  /** A task overran: its thread was terminated (deadline, memory) or it gave up (depth). */
  overrun?(task: TaskName, reason: OverrunReason): void;
  /** A thread was terminated and replaced. */
  threadKilled?(task: TaskName, reason: OverrunReason): void;
  /** A task waited for a thread past `queueWaitMs` and was given back (SYN_ERR_SANDBOX_BUSY). */
  queueTimeout?(task: TaskName): void;
}

/** The code a task's overrun carries, per task: feed and page reading is parsing; normalizing is normalizing. */
const OVERRUN_CODES: Record<TaskName, Record<OverrunReason, ErrorCode>> = {
  readDocument: { deadline: 'SYN_ERR_PARSE_TOO_COMPLEX', memory: 'SYN_ERR_PARSE_TOO_COMPLEX', depth: 'SYN_ERR_PARSE_TOO_COMPLEX' },
  readArticlePage: { deadline: 'SYN_ERR_PARSE_TOO_COMPLEX', memory: 'SYN_ERR_PARSE_TOO_COMPLEX', depth: 'SYN_ERR_PARSE_TOO_COMPLEX' },
  normalizeFeedEntry: { deadline: 'SYN_ERR_NORMALIZE_TIMEOUT', memory: 'SYN_ERR_NORMALIZE_TIMEOUT', depth: 'SYN_ERR_NORMALIZE_TIMEOUT' },
  readFeedLinks: { deadline: 'SYN_ERR_PARSE_TOO_COMPLEX', memory: 'SYN_ERR_PARSE_TOO_COMPLEX', depth: 'SYN_ERR_PARSE_TOO_COMPLEX' },
  probeFeed: { deadline: 'SYN_ERR_PARSE_TOO_COMPLEX', memory: 'SYN_ERR_PARSE_TOO_COMPLEX', depth: 'SYN_ERR_PARSE_TOO_COMPLEX' },
  sketchDedupText: { deadline: 'SYN_ERR_NORMALIZE_TIMEOUT', memory: 'SYN_ERR_NORMALIZE_TIMEOUT', depth: 'SYN_ERR_NORMALIZE_TIMEOUT' },
  ping: { deadline: 'SYN_ERR_PARSE_TOO_COMPLEX', memory: 'SYN_ERR_PARSE_TOO_COMPLEX', depth: 'SYN_ERR_PARSE_TOO_COMPLEX' },
};

const WHAT: Record<TaskName, string> = {
  readDocument: 'reading the document',
  readArticlePage: 'reading the article page',
  normalizeFeedEntry: 'normalizing the entry',
  readFeedLinks: "reading the home page's feed links",
  probeFeed: 'reading a probed feed',
  sketchDedupText: "sketching the item's text for dedup",
  ping: 'answering a ping',
};

/** True for an error a sandbox gave up a task with: the same bytes would overrun again, so they are not retried. */
export function isOverrun(err: unknown): boolean {
  return err instanceof SyndicateError && (err.details as { overrun?: unknown } | undefined)?.overrun !== undefined;
}

let devBundle: string | undefined;

/**
 * The thread entry: the compiled worker beside this file; or, when the sources run as TypeScript (tests, benchmarks),
 * one bundle of worker.ts built with esbuild (tsx's own compiler) once per process, so that a new thread loads one
 * file instead of compiling every module through a loader (seconds per thread on a busy machine).
 */
function workerFile(): string {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new URL('./worker.js', here).href;
  if (!devBundle) {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    // Inside the checkout, so that the packages it imports resolve from its node_modules.
    const cache = join(fileURLToPath(new URL('../../node_modules/.cache/', here)), 'syndicate-sandbox-');
    mkdirSync(dirname(cache), { recursive: true });
    const dir = mkdtempSync(cache);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'worker.mjs');
    esbuild.buildSync({
      entryPoints: [fileURLToPath(new URL('./worker.ts', here))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile,
      logLevel: 'error',
    });
    devBundle = pathToFileURL(outfile).href;
  }
  return devBundle;
}

/**
 * The sandbox for untrusted work: decoding, parsing, full-text extraction and normalizing of one document run in
 * a pool of worker threads (piscina), each task under a wall-clock deadline and each thread under a heap limit.
 * A task that overruns is given up: its thread is terminated (a thread stuck in a regular expression cannot be
 * interrupted) and replaced, and the task fails with a `SyndicateError` whose code says what overran
 * (`SYN_ERR_PARSE_TOO_COMPLEX`, `SYN_ERR_NORMALIZE_TIMEOUT`) and whose `details.overrun` says why; every other
 * task goes on. One sandbox per process, shared by every role in it: the pool is also how one process uses every
 * core. Tasks wait in the pool's queue for a free thread; the deadline starts when one picks the task up.
 */
export class Sandbox {
  private readonly pool: Piscina;
  /** Ids of the threads that have loaded their modules (worker.ts says so): the ones safe to terminate. */
  private readonly loadedThreads = new Set<number>();

  constructor(
    private readonly options: SandboxOptions,
    private readonly observer: SandboxObserver = {},
  ) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.pool = new Piscina({
      filename: workerFile(),
      // Every thread starts (and loads the parsers) with the process, so the first documents do not wait for it.
      minThreads: threads,
      maxThreads: threads,
      niceIncrement: options.niceIncrement ?? 5,
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, options.maxHeapMb / 8)) },
    });
    this.pool.on('message', (message: Partial<ThreadLoaded> | null) => {
      if (typeof message?.syndicateThreadLoaded === 'number') this.loadedThreads.add(message.syndicateThreadLoaded);
    });
    this.pool.on('workerDestroy', (worker: { threadId: number }) => this.loadedThreads.delete(worker.threadId));
  }

  /** Threads the pool may run at once. */
  get threads(): number {
    return this.pool.options.maxThreads;
  }

  /**
   * Resolves once every thread has loaded the tasks and answered one (each started with the pool): how a caller that
   * must not count thread start-up against the queue bound (a test, a benchmark) waits for a warm pool.
   */
  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.run('ping', {}, Infinity)));
  }

  /** Runs one task in a pool thread under the deadline; answers its output or throws its error. */
  async run<K extends TaskName>(task: K, input: TaskInput<K>, queueWaitMs = this.options.queueWaitMs ?? 30_000): Promise<TaskOutput<K>> {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    const { deadlineMs } = this.options;
    const wallDeadlineMs = this.options.wallDeadlineMs ?? 10 * deadlineMs;
    // Pool threads are unreferenced: a process whose only work is this task (the CLI) must not exit under it.
    const keepAlive = setInterval(() => {}, 60_000);
    let given: 'queue' | 'deadline' | null = null;
    let started = false;
    let timer: NodeJS.Timeout | undefined;
    const queueTimer =
      queueWaitMs === Infinity
        ? undefined
        : setTimeout(() => {
            if (started) return;
            given = 'queue';
            abort.abort();
          }, queueWaitMs);
    port1.once('message', ({ tid, cpuMs }: TaskStarted) => {
      started = true;
      clearTimeout(queueTimer);
      const startedAt = performance.now();
      // At each check: the time the task has had (its thread's CPU time, else wall-clock); given up past either deadline.
      const check = () => {
        const wall = performance.now() - startedAt;
        const cpu = tid === null || cpuMs === null ? null : threadCpuMs(tid);
        const used = cpu === null ? wall : cpu - cpuMs!;
        if (used >= deadlineMs || wall >= wallDeadlineMs) {
          given = 'deadline';
          abort.abort();
          return;
        }
        timer = setTimeout(check, Math.max(20, Math.min(deadlineMs - used, wallDeadlineMs - wall)));
      };
      timer = setTimeout(check, deadlineMs);
    });
    const message: TaskMessage = { task, input, started: port2 };
    let answer: TaskAnswer;
    try {
      answer = (await this.pool.run(message, { signal: abort.signal, transferList: [port2] })) as TaskAnswer;
    } catch (err) {
      if (given === 'queue') {
        this.observer.queueTimeout?.(task);
        throw new SyndicateError('SYN_ERR_SANDBOX_BUSY', `not started: ${WHAT[task]} waited for a sandbox thread past ${queueWaitMs} ms`);
      }
      const reason: OverrunReason | null =
        given === 'deadline'
          ? 'deadline'
          : /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(String((err as Error)?.message) + String((err as { code?: string })?.code))
            ? 'memory'
            : null;
      if (!reason) throw err;
      this.observer.threadKilled?.(task, reason);
      throw this.overrun(task, reason);
    } finally {
      clearTimeout(queueTimer);
      clearTimeout(timer);
      clearInterval(keepAlive);
      port1.close();
    }
    if (answer.ok) return answer.output as TaskOutput<K>;
    if (answer.stackOverflow) throw this.overrun(task, 'depth');
    if (answer.code) throw new SyndicateError(answer.code as ErrorCode, answer.message);
    throw new Error(answer.message);
  }

  private overrun(task: TaskName, reason: OverrunReason): SyndicateError {
    this.observer.overrun?.(task, reason);
    const why =
      reason === 'deadline'
        ? `took longer than ${this.options.deadlineMs} ms`
        : reason === 'memory'
          ? `needed more than ${this.options.maxHeapMb} MiB of memory`
          : 'met nesting too deep to follow';
    return new SyndicateError(OVERRUN_CODES[task][reason], `given up: ${WHAT[task]} ${why}`, { details: { overrun: reason } });
  }

  /**
   * Stops every thread (running tasks fail). Waits first (at most `loadWaitMs`) for threads still loading their
   * modules: Node 20 aborts the process (a V8 fatal error) when a thread is terminated while `require()` is still
   * instantiating its ES modules, which a system stopped right after it started would otherwise risk.
   */
  async close(loadWaitMs = 15_000): Promise<void> {
    const until = performance.now() + loadWaitMs;
    while (this.pool.threads.some((worker) => !this.loadedThreads.has(worker.threadId)) && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.pool.destroy();
  }
}

/** The sandbox the configuration's limits ask for (`documentDeadline`, `sandboxQueueWait`, `sandboxHeapMb`, `sandboxThreads`). */
export function sandboxFromConfig(
  limits: Pick<SyndicationConfig['limits'], 'documentDeadline' | 'sandboxQueueWait' | 'sandboxHeapMb' | 'sandboxThreads'>,
  observer?: SandboxObserver,
): Sandbox {
  return new Sandbox(
    { deadlineMs: limits.documentDeadline, queueWaitMs: limits.sandboxQueueWait, maxHeapMb: limits.sandboxHeapMb, threads: limits.sandboxThreads },
    observer,
  );
}
