/**
 * Collects work submitted while a batch is in flight and runs it as the next batch, so that many
 * concurrent callers share one transaction (one commit, one fsync) without waiting for a timer.
 * `run` returns one result per item: a value, or an Error for that item alone.
 */
export class GroupCommit<I, R> {
  private pending: Array<{ item: I; resolve(r: R): void; reject(e: unknown): void }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<R | Error>>,
    private readonly maxBatch = 500,
    private readonly concurrency = 2,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.inFlight < this.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    try {
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
      this.inFlight--;
    }
  }
}
