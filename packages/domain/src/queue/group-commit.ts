/**
 * Collects work submitted while a batch is in flight and runs it as the next batch, so that many
 * concurrent callers share one transaction (one commit, one fsync) without waiting for a timer.
 * `run` returns one result per item: a value, or an Error for that item alone.
 *
 * One batch at a time: while it commits, the next one fills. A batch that starts from idle first
 * lets the event loop finish the input it has already received (one `setImmediate`), so messages
 * that arrived together on several connections are stored together. Measured on the relay
 * benchmark: two batches in flight and no such wait gave mostly one-message batches and cost
 * 1.66 ms of CPU per message end to end; one batch in flight, 1.19 ms.
 */
export class GroupCommit<I, R> {
  private pending: Array<{ item: I; resolve(r: R): void; reject(e: unknown): void }> = [];
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<R | Error>>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const results = await this.run(batch.map((b) => b.item));
          batch.forEach((b, i) => {
            const r = results[i];
            if (r instanceof Error) b.reject(r);
            else b.resolve(r as R);
          });
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
