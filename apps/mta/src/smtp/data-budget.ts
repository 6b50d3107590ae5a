import { randomBytes } from "node:crypto";
import { mkdir, open, statfs, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

/** 256 MB: what every session's message data may take in memory at once, by default. */
export const DEFAULT_DATA_MEMORY_BYTES = 256 * 1024 * 1024;

export interface DataBudgetOptions {
  /** Message data all sessions may hold in memory together. */
  memoryBytes: number;
  /** Where data past the budget is spooled (files are unlinked at once: nothing to clean up). */
  spoolDir: string;
  /** Refuse to spool when the spool's disk has less free than this (Postfix: 1.5 × size limit). */
  minFreeBytes: number;
  /**
   * Spooled messages back in memory at once, from their reading until they are released (their
   * size is on top of the budget); default 2.
   */
  readers?: number;
}

/** The message could not be kept (disk full or failing): answer `452 4.3.1`. */
export class InsufficientStorageError extends Error {}

export interface CollectedMessage {
  raw: Buffer;
  /** Whether it went through the spool. */
  spooled: boolean;
  /** Gives its memory back to the budget; call once the message is stored or refused. */
  release(): void;
}

/**
 * Bounds the memory SMTP message data takes. A DATA is kept in memory while all sessions' data
 * fits in `memoryBytes`; past it, the session's data goes to a spool file and is read back only
 * when the message ended, a few messages at a time. So 200 clients that each leave 9 MB
 * unfinished cost disk, not memory, and nobody is refused while the disk has room. Nothing is
 * retained once a message is stored: the buffers are dropped and the spool file was unlinked
 * when it was opened (its descriptor is closed at the end).
 */
export class DataBudget {
  /** Bytes of message data in memory now, all sessions together. */
  held = 0;
  private reading = 0;
  private readonly readQueue: Array<() => void> = [];

  constructor(private readonly options: DataBudgetOptions) {}

  /**
   * Reads a DATA stream to its end. Resolves null when the stream exceeded its size limit
   * (`sizeExceeded`: the rest was read and dropped); rejects when the client went away, or with
   * InsufficientStorageError when the data could not be spooled.
   */
  collect(stream: Readable & { sizeExceeded?: boolean }): Promise<CollectedMessage | null> {
    return new Promise((resolve, reject) => {
      let chunks: Buffer[] = [];
      let inMemory = 0;
      let spool: Spool | null = null;
      /** The spool's opening and writes, in order; set once the message moved to disk. */
      let spooling: Promise<void> | null = null;
      let failed: Error | null = null;
      const drop = () => {
        chunks = [];
        this.give(inMemory);
        inMemory = 0;
      };
      const fail = (error: Error) => {
        if (failed) return;
        failed =
          error instanceof InsufficientStorageError
            ? error
            : new InsufficientStorageError(error.message);
        drop();
        void spool?.discard();
        // Read to the end anyway, so that the answer comes after the message, in step.
        stream.resume();
      };
      // Backpressure: the socket is not read while a chunk waits for the disk.
      const toSpool = (work: () => Promise<void>, then?: () => void) => {
        stream.pause();
        spooling = (spooling ?? Promise.resolve()).then(async () => {
          try {
            if (failed) return;
            await work();
            stream.resume();
          } catch (error) {
            fail(error as Error);
          } finally {
            then?.();
          }
        });
      };

      stream.on("data", (chunk: Buffer) => {
        if (failed) return;
        if (stream.sizeExceeded) {
          // Past the size limit the rest is read and dropped (the answer is 552).
          drop();
          return;
        }
        if (!spooling && this.tryTake(chunk.length)) {
          chunks.push(chunk);
          inMemory += chunk.length;
          return;
        }
        if (!spooling) {
          // Over the budget: this message moves to disk, and its memory goes back to others.
          const held = chunks;
          const heldBytes = inMemory;
          chunks = [];
          inMemory = 0;
          toSpool(
            async () => {
              spool = await this.openSpool();
              for (const c of held) await spool.write(c);
            },
            () => {
              // Given back once on disk, so that memory never holds more than the budget.
              held.length = 0;
              this.give(heldBytes);
            },
          );
        }
        toSpool(() => spool!.write(chunk));
      });
      stream.once("error", (error) => {
        drop();
        failed ??= error;
        void spooling?.then(() => spool?.discard());
        reject(error);
      });
      stream.once("end", () => {
        void (async () => {
          await spooling;
          if (failed) {
            await spool?.discard();
            return reject(failed);
          }
          if (stream.sizeExceeded) {
            drop();
            await spool?.discard();
            return resolve(null);
          }
          if (!spool) {
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            chunks = [];
            const bytes = inMemory;
            inMemory = 0;
            let given = false;
            return resolve({
              raw,
              spooled: false,
              release: () => {
                if (given) return;
                given = true;
                this.give(bytes);
              },
            });
          }
          try {
            resolve(await this.readBack(spool));
          } catch (error) {
            reject(new InsufficientStorageError((error as Error).message));
          }
        })();
      });
    });
  }

  private tryTake(bytes: number): boolean {
    if (this.held + bytes > this.options.memoryBytes) return false;
    this.held += bytes;
    return true;
  }

  private give(bytes: number): void {
    this.held -= bytes;
  }

  private async openSpool(): Promise<Spool> {
    const { spoolDir, minFreeBytes } = this.options;
    await mkdir(spoolDir, { recursive: true });
    const fs = await statfs(spoolDir);
    if (fs.bavail * fs.bsize < minFreeBytes) {
      throw new InsufficientStorageError(`less than ${minFreeBytes} bytes free in ${spoolDir}`);
    }
    const file = path.join(spoolDir, `data-${process.pid}-${randomBytes(8).toString("hex")}`);
    const handle = await open(file, "w+", 0o600);
    // Unlinked at once: the descriptor keeps the data, and a crash leaves nothing behind.
    await unlink(file).catch(() => undefined);
    return new Spool(handle);
  }

  /** A spooled message back in memory; it keeps a reader's place until it is released. */
  private async readBack(spool: Spool): Promise<CollectedMessage> {
    await this.enterReader();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.leaveReader();
    };
    try {
      return { raw: await spool.readAll(), spooled: true, release: leave };
    } catch (error) {
      leave();
      throw error;
    }
  }

  private enterReader(): Promise<void> {
    if (this.reading < (this.options.readers ?? 2)) {
      this.reading++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.readQueue.push(resolve));
  }

  private leaveReader(): void {
    const next = this.readQueue.shift();
    // The place passes straight to the next in line, so that nobody overtakes it.
    if (next) next();
    else this.reading--;
  }
}

class Spool {
  private size = 0;
  private closed = false;

  constructor(private readonly handle: import("node:fs/promises").FileHandle) {}

  async write(chunk: Buffer): Promise<void> {
    let written = 0;
    while (written < chunk.length) {
      const r = await this.handle.write(chunk, written, chunk.length - written, this.size);
      written += r.bytesWritten;
      this.size += r.bytesWritten;
    }
  }

  async readAll(): Promise<Buffer> {
    try {
      const raw = Buffer.allocUnsafe(this.size);
      let read = 0;
      while (read < this.size) {
        const r = await this.handle.read(raw, read, this.size - read, read);
        if (r.bytesRead === 0) throw new Error("spool file shorter than written");
        read += r.bytesRead;
      }
      return raw;
    } finally {
      await this.discard();
    }
  }

  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }
}
