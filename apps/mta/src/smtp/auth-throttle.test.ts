import { describe, expect, it } from "vitest";
import { AuthThrottle, accountKey, clientKey } from "./auth-throttle.ts";

const LOOPBACK = "127.0.0.1";

function throttleAt(options: Partial<ConstructorParameters<typeof AuthThrottle>[0]> = {}) {
  const clock = { now: 0 };
  const throttle = new AuthThrottle(
    {
      maxFailures: 5,
      windowMs: 10 * 60_000,
      freeFailures: 2,
      baseDelayMs: 1_000,
      maxDelayMs: 20_000,
      ...options,
    },
    () => clock.now,
  );
  return { throttle, clock };
}

describe("AuthThrottle", () => {
  it("counts per account: one account's failures never slow or close another's", () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 10; i++) throttle.recordFailure(LOOPBACK, "victim.example");
    expect(throttle.recordFailure(LOOPBACK, "other.example")).toEqual({ delayMs: 0, close: false });
    expect(throttle.failures(LOOPBACK, "other.example")).toEqual({ account: 1, pair: 1 });
  });

  it("delays an account's failures progressively, up to the cap, and closes the pair at the limit", () => {
    const { throttle } = throttleAt();
    const verdicts = Array.from({ length: 9 }, () => throttle.recordFailure(LOOPBACK, "a.example"));
    expect(verdicts.map((v) => v.delayMs)).toEqual([
      0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000,
    ]);
    expect(verdicts.map((v) => v.close)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it("closes per (address, account): another address on the same account only gets the delay", () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 5; i++) throttle.recordFailure("192.0.2.1", "a.example");
    const elsewhere = throttle.recordFailure("192.0.2.2", "a.example");
    expect(elsewhere).toEqual({ delayMs: 8_000, close: false });
    expect(throttle.failures("192.0.2.2", "a.example")).toEqual({ account: 6, pair: 1 });
  });

  it("normalises the user name and the IPv4-mapped address", () => {
    const { throttle } = throttleAt();
    throttle.recordFailure("::ffff:127.0.0.1", " A.Example ");
    expect(throttle.failures(LOOPBACK, "a.example")).toEqual({ account: 1, pair: 1 });
    expect(accountKey("x".repeat(10_000))).toHaveLength(256);
    expect(clientKey("::FFFF:10.0.0.1")).toBe("10.0.0.1");
    expect(clientKey("2001:DB8::1")).toBe("2001:db8::1");
  });

  it("is not cleared by a success: 4 wrong + 1 right, repeated, reaches the limit", () => {
    // A success is never recorded: the only way to clear is time.
    const { throttle, clock } = throttleAt();
    for (let i = 0; i < 4; i++)
      expect(throttle.recordFailure(LOOPBACK, "a.example").close).toBe(false);
    clock.now += 1_000; // the right password: nothing to record
    expect(throttle.recordFailure(LOOPBACK, "a.example").close).toBe(true);
  });

  it("forgets failures once they leave the window", () => {
    const { throttle, clock } = throttleAt();
    for (let i = 0; i < 6; i++) throttle.recordFailure(LOOPBACK, "a.example");
    clock.now += 10 * 60_000 - 1;
    expect(throttle.failures(LOOPBACK, "a.example").account).toBe(6);
    clock.now += 1;
    expect(throttle.failures(LOOPBACK, "a.example")).toEqual({ account: 0, pair: 0 });
    expect(throttle.recordFailure(LOOPBACK, "a.example")).toEqual({ delayMs: 0, close: false });
    expect(throttle.tracked).toEqual({ accounts: 1, pairs: 1 });
  });

  it("stays bounded under a flood of invented names, which evict one another, not an account under attack", () => {
    const { throttle, clock } = throttleAt({ maxTracked: 1_000 });
    for (let i = 0; i < 6; i++) throttle.recordFailure(LOOPBACK, "victim.example");
    for (let i = 0; i < 20_000; i++) {
      clock.now += 1;
      throttle.recordFailure(LOOPBACK, `invented-${i}`);
      // a few names guessed twice: still fewer failures than the victim's
      if (i % 100 === 0) throttle.recordFailure(LOOPBACK, `invented-${i}`);
    }
    expect(throttle.tracked.accounts).toBeLessThanOrEqual(1_000);
    expect(throttle.tracked.pairs).toBeLessThanOrEqual(1_000);
    expect(throttle.failures(LOOPBACK, "victim.example")).toEqual({ account: 6, pair: 6 });
  });

  it("keeps at most 32 failure times per key, however many failures", () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 1_000; i++) throttle.recordFailure(LOOPBACK, "a.example");
    expect(throttle.failures(LOOPBACK, "a.example").account).toBe(32);
  });

  it("lets a bounded number of one account's answers wait in the tarpit at once", () => {
    const { throttle } = throttleAt({ maxWaiting: 2 });
    const first = throttle.enterTarpit("a.example");
    const second = throttle.enterTarpit("A.example");
    expect(first && second).toBeTruthy();
    expect(throttle.enterTarpit("a.example")).toBeNull();
    expect(throttle.enterTarpit("b.example")).not.toBeNull();
    first?.();
    first?.(); // giving a place back twice frees only one
    expect(throttle.enterTarpit("a.example")).not.toBeNull();
    expect(throttle.enterTarpit("a.example")).toBeNull();
  });
});
