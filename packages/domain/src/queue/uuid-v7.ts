import { randomFillSync } from "node:crypto";

// Random bytes are drawn 4 KB at a time: one system call per 256 ids instead of one per id (a
// batch of mail needs an id per message and per delivery event).
const pool = Buffer.alloc(4096);
let offset = pool.length;
const last = Buffer.alloc(16);
let lastMs = Number.NaN;

function fillRandom(target: Buffer): void {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(target, 0, offset, offset + 16);
  offset += 16;
}

/** Adds one to the 74 random bits (rand_a and rand_b), leaving the version and variant bits. */
function increment(b: Buffer): void {
  for (let i = 15; i >= 9; i--) {
    if (b[i] !== 0xff) {
      b[i]!++;
      return;
    }
    b[i] = 0;
  }
  if ((b[8]! & 0x3f) !== 0x3f) {
    b[8]!++;
    return;
  }
  b[8] = b[8]! & 0xc0;
  if (b[7] !== 0xff) {
    b[7]!++;
    return;
  }
  b[7] = 0;
  b[6] = (b[6]! & 0xf0) | ((b[6]! + 1) & 0x0f);
}

/**
 * A UUID v7 (RFC 9562): time-ordered, so rows inserted together sit together in the index, and
 * monotonic within the process (RFC 9562 §6.2, method 2): ids made in the same millisecond follow
 * each other in the order they were made, so rows written in one batch list in that order.
 * Generated here because batched inserts bypass Prisma's own default.
 */
export function uuidV7(at: Date = new Date()): string {
  const ms = at.getTime();
  if (ms === lastMs) {
    increment(last);
  } else {
    fillRandom(last);
    last.writeUIntBE(ms, 0, 6); // 48-bit millisecond timestamp, big-endian
    last[6] = (last[6]! & 0x0f) | 0x70;
    last[8] = (last[8]! & 0x3f) | 0x80;
    lastMs = ms;
  }
  const hex = last.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
