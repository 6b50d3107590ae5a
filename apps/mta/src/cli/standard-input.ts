import { readSync } from "node:fs";

/**
 * Standard input, read with plain read(2) calls: setting up process.stdin's stream cost every
 * mail() about 8 % of an empty node's start-up CPU. When the descriptor is non-blocking (EAGAIN,
 * which PHP's and node's pipes are not) the rest is read through process.stdin after all.
 */
export async function* standardInput(): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let read: number;
    try {
      read = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EOF") return;
      if (code !== "EAGAIN") throw error;
      for await (const chunk of process.stdin) yield chunk as Buffer;
      return;
    }
    if (read === 0) return;
    yield buffer.subarray(0, read);
  }
}
