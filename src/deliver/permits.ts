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
  private readonly waiters: Array<(granted: boolean) => void> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Permits in use now. */
  get inUse(): number {
    return this.size - this.free;
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
    const next = this.waiters.shift();
    if (next) next(true);
    else this.free++;
  }

  private waitAbortable(signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter = (ok: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}
