/** One taken permit; `release` gives it back (once: a second call does nothing). */
export class Permit {
  private released = false;

  constructor(private readonly owner: Permits) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.giveBack();
  }
}

/**
 * A counting semaphore: bounds how many first attempts all fan-out jobs of a process have in flight at once (the
 * deliver concurrency), so a fan-out of 1,000 subscriptions does not open 1,000 sockets. Pure (no I/O): unit tested.
 * No closure per call: it sits on the path of every delivery.
 */
export class Permits {
  private free: number;
  /** Waiters in arrival order from `head` on: an index instead of `shift`, which moves the whole array (a thousand lanes may wait). */
  private waiters: Array<((granted: boolean) => void) | null> = [];
  private head = 0;

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Permits in use now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Takes a permit if one is free, without waiting (no promise: the fan-out's common case). */
  tryAcquire(): Permit | null {
    if (this.free <= 0) return null;
    this.free--;
    return new Permit(this);
  }

  /**
   * Takes a permit, waiting if none is free. Answers the permit, or null when `signal` aborted first (the waiter
   * is then dropped, and a permit freed later goes to the next waiter).
   */
  async acquire(signal?: AbortSignal): Promise<Permit | null> {
    if (signal?.aborted) return null;
    if (this.free > 0) {
      this.free--;
      return new Permit(this);
    }
    const granted = signal ? await this.waitAbortable(signal) : await new Promise<boolean>((resolve) => this.waiters.push(resolve));
    return granted ? new Permit(this) : null;
  }

  /** Called by {@link Permit.release}: hands the permit straight to the next waiter, so it cannot be taken in between. */
  giveBack(): void {
    while (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head++] = null;
      if (this.head === this.waiters.length || this.head >= 1024) this.compact();
      if (next) return next(true);
    }
    this.free++;
  }

  /** Drops the served (and abandoned) waiters in front. */
  private compact(): void {
    this.waiters = this.head === this.waiters.length ? [] : this.waiters.slice(this.head);
    this.head = 0;
  }

  private waitAbortable(signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter = (ok: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => {
        // Left in place as null (the queue keeps its order), skipped by giveBack.
        const i = this.waiters.indexOf(waiter, this.head);
        if (i >= 0) this.waiters[i] = null;
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}
