import { closeSync, openSync, readSync } from "node:fs";

/**
 * A random (version 4) UUID from /dev/urandom, for Message-IDs: loading node:crypto for
 * randomUUID() cost every mail() about 8 % of an empty node's start-up CPU.
 */
export function randomUuid(): string {
  const bytes = Buffer.alloc(16);
  const fd = openSync("/dev/urandom", "r");
  try {
    if (readSync(fd, bytes, 0, 16, null) !== 16) throw new Error("short read from /dev/urandom");
  } finally {
    closeSync(fd);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
