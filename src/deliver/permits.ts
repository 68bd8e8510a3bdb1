/** One taken permit; `release` gives it back (once: a second call does nothing). */
export class Permit {
  private released = false;

  constructor(private readonly owner: Permits) {}

  /** Gives the permit back to its owner; later calls do nothing. */
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
  private waiters: Array<() => void> = [];
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

  /** Takes a permit, waiting (in arrival order) if none is free. */
  async acquire(): Promise<Permit> {
    if (this.free > 0) {
      this.free--;
      return new Permit(this);
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    return new Permit(this);
  }

  /** Called by {@link Permit.release}: hands the permit straight to the next waiter, so it cannot be taken in between. */
  giveBack(): void {
    if (this.head === this.waiters.length) {
      this.free++;
      return;
    }
    const next = this.waiters[this.head++]!;
    // Drops the served waiters in front now and then, rather than on every hand-over.
    if (this.head === this.waiters.length || this.head >= 1024) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
    next();
  }
}
