import type { RelayedMessage } from "./test-relay.ts";

/** The Subject header of a relayed message (the tests' unique message key). */
export function subjectOf(raw: Buffer): string | null {
  const head = raw.toString("latin1").split(/\r?\n\r?\n/, 1)[0] ?? "";
  return /^Subject: (.*)$/im.exec(head)?.[1]?.trim() ?? null;
}

export interface DeliveryLedger {
  /** Messages expected. */
  expected: number;
  /** Messages the relay received, copies included. */
  received: number;
  /** Expected and never received: lost mail. */
  missing: string[];
  /** Received more than once. */
  duplicated: string[];
  /** The most copies of one message. */
  maxCopies: number;
  /** Received but not expected (another run's mail, or a garbled copy). */
  unexpected: number;
}

/** Sets what the relay received against the messages that should have reached it once each. */
export function reconcileDeliveries(
  expected: string[],
  received: RelayedMessage[],
): DeliveryLedger {
  const copies = new Map<string, number>(expected.map((s) => [s, 0]));
  let unexpected = 0;
  for (const message of received) {
    const subject = subjectOf(message.raw);
    const n = subject === null ? undefined : copies.get(subject);
    if (n === undefined) unexpected++;
    else copies.set(subject!, n + 1);
  }
  const counts = [...copies];
  return {
    expected: expected.length,
    received: received.length,
    missing: counts.filter(([, n]) => n === 0).map(([s]) => s),
    duplicated: counts.filter(([, n]) => n > 1).map(([s]) => s),
    maxCopies: Math.max(0, ...counts.map(([, n]) => n)),
    unexpected,
  };
}
