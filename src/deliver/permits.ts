/**
 * A counting semaphore: bounds how many first attempts all fan-out jobs of a process have in flight at once (the
 * deliver concurrency), so a fan-out of 1,000 subscriptions does not open 1,000 sockets. Pure (no I/O): unit tested.
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
   * Takes a permit, waiting if none is free. Answers a release function, or null when `signal` aborted first
   * (the waiter is then dropped, and a permit freed later goes to the next waiter).
   */
  async acquire(signal?: AbortSignal): Promise<(() => void) | null> {
    if (signal?.aborted) return null;
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    const granted = await new Promise<boolean>((resolve) => {
      const waiter = (ok: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
    return granted ? this.releaser() : null;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the permit straight to the next waiter, so it cannot be taken in between.
      const next = this.waiters.shift();
      if (next) next(true);
      else this.free++;
    };
  }
}
