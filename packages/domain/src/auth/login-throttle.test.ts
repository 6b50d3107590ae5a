import { describe, expect, it } from "vitest";
import {
  loginClientKey,
  loginWaitMs,
  type RecentFailures,
  throttledError,
} from "./login-throttle.ts";

const OPTIONS = {
  maxFailedLogins: 5,
  loginWindowMs: 15 * 60_000,
  loginDelayBaseMs: 1_000,
  loginDelayMaxMs: 300_000,
};
const now = new Date("2026-03-10T12:00:00.000Z");
const times = (n: number, at = now) => Array.from({ length: n }, () => at);
const failures = (f: Partial<RecentFailures>): RecentFailures => ({
  email: [],
  pair: [],
  client: [],
  ...f,
});

describe("loginClientKey", () => {
  it("keeps IPv4, unmaps IPv4-mapped IPv6, and counts IPv6 by its /64", () => {
    expect(loginClientKey("192.0.2.1")).toBe("192.0.2.1");
    expect(loginClientKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(loginClientKey("2001:DB8:0:1:2:3:4:5")).toBe("2001:db8:0:1::/64");
    expect(loginClientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(loginClientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(loginClientKey("::1")).toBe("0:0:0:0::/64");
    expect(loginClientKey(undefined)).toBe("unknown");
    expect(loginClientKey("")).toBe("unknown");
  });
});

describe("loginWaitMs", () => {
  it("asks nothing below each level's free failures", () => {
    expect(
      loginWaitMs(failures({ pair: times(4), email: times(9), client: times(9) }), now, OPTIONS),
    ).toBe(0);
  });

  it("doubles from the base per (client, e-mail) and per client, counted from their last failure", () => {
    expect(
      loginWaitMs(failures({ pair: times(5), email: times(5), client: times(5) }), now, OPTIONS),
    ).toBe(1_000);
    expect(
      loginWaitMs(failures({ pair: times(7), email: times(7), client: times(7) }), now, OPTIONS),
    ).toBe(4_000);
    expect(loginWaitMs(failures({ client: times(12) }), now, OPTIONS)).toBe(4_000);
    const earlier = new Date(now.getTime() - 3_000);
    expect(
      loginWaitMs(failures({ pair: times(7, earlier), email: times(7, earlier) }), now, OPTIONS),
    ).toBe(1_000);
    expect(loginWaitMs(failures({ pair: times(60), email: times(60) }), now, OPTIONS)).toBe(
      300_000,
    );
  });

  it("applies the e-mail's count only to a client that failed on it, from that client's failure", () => {
    expect(loginWaitMs(failures({ email: times(64) }), now, OPTIONS)).toBe(0);
    const mine = new Date(now.getTime() - 10_000);
    expect(loginWaitMs(failures({ email: times(13), pair: [mine] }), now, OPTIONS)).toBe(0);
    expect(loginWaitMs(failures({ email: times(15), pair: [mine] }), now, OPTIONS)).toBe(22_000);
  });
});

describe("throttledError", () => {
  it("gives the wait in seconds, rounded up, with the seconds message under a minute", () => {
    expect(throttledError(1)).toMatchObject({
      params: { seconds: 1, minutes: 1 },
      messageKey: "error.too_many_attempts.seconds",
    });
    const long = throttledError(61_500);
    expect(long.params).toEqual({ seconds: 62, minutes: 2 });
    expect(long.messageKey).toBeUndefined();
  });
});
