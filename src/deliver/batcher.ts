/**
 * Coalesces calls made in the same turn of the event loop into one batch call (one Redis command for all of
 * them), each caller still getting its own answer. At fan-out rates a Redis command per delivery costs more CPU
 * (client and server, on the same cores as the HTTP work) than the POST; a batch of many costs about one.
 */
export class Batcher<T, R> {
  private pending: Array<{ item: T; resolve: (result: R) => void; reject: (err: unknown) => void }> = [];
  private scheduled = false;

  /** `run` answers one result per item, in order; `max` bounds one batch (a longer queue splits). */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly max = 256,
  ) {}

  /** Queues one item for the next batch and answers its result. */
  call(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: lets every I/O callback of this turn (answers arriving together) join.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    const n = batch.length;
    if (!n) return;
    this.pending = [];
    const items = new Array<T>(n);
    for (let i = 0; i < n; i++) items[i] = batch[i]!.item;
    this.run(items).then(
      (results) => {
        for (let i = 0; i < n; i++) batch[i]!.resolve(results[i]!);
      },
      (err: unknown) => {
        for (let i = 0; i < n; i++) batch[i]!.reject(err);
      },
    );
  }
}
