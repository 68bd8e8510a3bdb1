import type { Dispatcher } from 'undici';

/** How much of a response body the delivery log keeps. */
export const RESPONSE_KEEP_BYTES = 4096;

/** What an endpoint answered: its status, its `Retry-After` header, and the first 4 KB of its body. */
export interface WebhookAnswer {
  status: number;
  retryAfter: string | undefined;
  head: string;
}

/** Why the sender itself cut a POST short: its attempt timed out, or the fan-out abandoned it (budget spent). */
export class PostAbortedError extends Error {
  constructor(readonly why: 'timeout' | 'abandoned') {
    super(why === 'timeout' ? 'the attempt timed out' : 'abandoned by the fan-out');
    this.name = 'PostAbortedError';
  }
}

/** The abort that ends reading once the first 4 KB are in: the rest of the body is not wanted. */
const HEAD_KEPT = new Error('response head kept; rest dropped');

/**
 * Requests a {@link WebhookPost} can be told to abandon together (see {@link AbandonGroups}). A settled post
 * clears its slot, so the group never keeps a finished request (and its undici objects) alive.
 */
export interface AbandonGroup {
  posts: Array<WebhookPost | null>;
}

/**
 * One webhook POST as an undici dispatch handler. Cheaper per request than undici's `request()` (no body stream,
 * no promise per stage, no abort-signal listeners), which at fan-out rates is a good part of the work per delivery:
 * the answer is read straight from the handler callbacks. Redirects are not followed (no redirect interceptor).
 * Reads at most {@link RESPONSE_KEEP_BYTES} of the body, then drops the connection rather than read the rest.
 */
export class WebhookPost implements Dispatcher.DispatchHandler {
  /** Settles once: the answer, or the error that ended the request ({@link PostAbortedError} when we ended it). */
  readonly answer: Promise<WebhookAnswer>;
  private resolve!: (answer: WebhookAnswer) => void;
  private reject!: (err: unknown) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private abortReason: PostAbortedError | null = null;
  private settled = false;
  private status = 0;
  private retryAfter: string | undefined;
  private chunks: Buffer[] | null = null;
  private size = 0;
  private attemptTimer: NodeJS.Timeout | null = null;
  private group: AbandonGroup | null = null;
  private slot = 0;

  /**
   * `timeoutMs`: the whole attempt's time, connecting and a slowly trickling body included (undici's own timeouts
   * bound only each wait for headers or the next chunk). Left out under a fan-out's {@link AbandonGroups}, whose
   * budget is never longer: one timer per group rather than one per request.
   */
  constructor(private readonly timeoutMs?: number) {
    this.answer = new Promise<WebhookAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Starts the POST on `dispatcher`; `timeoutMs` bounds the wait for headers and between body chunks. */
  start(dispatcher: Dispatcher, origin: string, path: string, headers: string[], body: Buffer | string, timeoutMs: number): this {
    if (this.timeoutMs !== undefined) this.attemptTimer = setTimeout(() => this.abort(new PostAbortedError('timeout')), this.timeoutMs);
    try {
      dispatcher.dispatch({ origin, path, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, this);
    } catch (err) {
      this.fail(err);
    }
    return this;
  }

  /** Joins `group`: aborted with it unless settled first. */
  joinGroup(group: AbandonGroup): void {
    if (this.settled) return;
    this.group = group;
    this.slot = group.posts.push(this) - 1;
  }

  /**
   * Ends the request (if still running) with `reason`. Before the request has a connection (an endpoint that never
   * completes the TCP handshake), the answer settles at once and the request is aborted as soon as it starts:
   * undici offers no way to cancel a connect, and the attempt must not wait for undici's own connect timeout.
   */
  abort(reason: PostAbortedError): void {
    if (this.settled || this.abortReason) return;
    this.abortReason = reason;
    if (this.controller) this.controller.abort(reason);
    else this.fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.abortReason) return controller.abort(this.abortReason);
    this.controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    const retryAfter = headers['retry-after'];
    this.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    (this.chunks ??= []).push(chunk);
    this.size += chunk.length;
    if (this.size >= RESPONSE_KEEP_BYTES) {
      this.succeed();
      controller.abort(HEAD_KEPT);
    }
  }

  onResponseEnd(): void {
    this.succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(this.abortReason ?? err);
  }

  private succeed(): void {
    if (!this.finish()) return;
    const head = this.chunks ? Buffer.concat(this.chunks).subarray(0, RESPONSE_KEEP_BYTES).toString('utf8') : '';
    this.resolve({ status: this.status, retryAfter: this.retryAfter, head });
  }

  private fail(err: unknown): void {
    if (this.finish()) this.reject(err);
  }

  /** Marks the post settled (answers false if it already was) and lets go of its timer and group slot. */
  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    if (this.group) this.group.posts[this.slot] = null;
    this.group = null;
    this.controller = null;
    return true;
  }
}

/** Width of the start-time buckets that share one abandon timer. */
const ABANDON_BUCKET_MS = 20;

/**
 * The fan-out budget: posts started within the same 20 ms share one group and one timer, rather than a timer (or an
 * abort signal) per request, which showed in the profile. A post is abandoned between `budgetMs` and
 * `budgetMs` + 20 ms after it started, unless it settled before.
 */
export class AbandonGroups {
  private readonly buckets = new Map<number, AbandonGroup>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly budgetMs: number) {}

  /** Puts `post`, started at `startedAt`, under the budget. */
  watch(post: WebhookPost, startedAt: number): void {
    const bucket = Math.floor(startedAt / ABANDON_BUCKET_MS);
    let group = this.buckets.get(bucket);
    if (!group) {
      const created: AbandonGroup = (group = { posts: [] });
      this.timers.push(
        setTimeout(
          () => {
            const reason = new PostAbortedError('abandoned');
            for (const running of created.posts) running?.abort(reason);
          },
          (bucket + 1) * ABANDON_BUCKET_MS + this.budgetMs - startedAt,
        ),
      );
      this.buckets.set(bucket, group);
    }
    post.joinGroup(group);
  }

  /** Clears the timers once the job's posts have all ended. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
