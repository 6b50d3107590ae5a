import { describe, expect, it } from "vitest";
import { enhancedStatus, isSuppressibleFailure } from "./suppressible-failure.ts";

describe("suppressible failures", () => {
  it("reads the enhanced status with or without the basic code", () => {
    expect(enhancedStatus("550 5.1.1 <a@b.example>: Recipient address rejected")).toBe("5.1.1");
    expect(enhancedStatus("5.1.10 Recipient address rejected: null MX")).toBe("5.1.10");
    expect(enhancedStatus("550-5.1.2 bad destination")).toBe("5.1.2");
    expect(enhancedStatus("550 User unknown")).toBeNull();
    expect(enhancedStatus("450 4.2.0 try later")).toBe("4.2.0");
  });

  it("puts only permanent 5.1.x failures on the list", () => {
    expect(isSuppressibleFailure(550, "550 5.1.1 <a@b.example>: User unknown")).toBe(true);
    expect(isSuppressibleFailure(550, "5.1.1 User unknown")).toBe(true);
    expect(isSuppressibleFailure(553, "5.1.2 Bad destination system address")).toBe(true);
    expect(isSuppressibleFailure(550, "5.1.10 null MX")).toBe(true);
    // policy, full mailbox, no enhanced status, temporary
    expect(isSuppressibleFailure(550, "5.7.1 Message rejected as spam")).toBe(false);
    expect(isSuppressibleFailure(552, "5.2.2 Mailbox full")).toBe(false);
    expect(isSuppressibleFailure(550, "User unknown")).toBe(false);
    expect(isSuppressibleFailure(450, "4.1.1 try later")).toBe(false);
    expect(isSuppressibleFailure(null, "5.1.1 connection lost")).toBe(false);
    // a text mentioning a code later on is not its status
    expect(isSuppressibleFailure(550, "5.7.1 rejected, see 5.1.1 docs")).toBe(false);
  });
});
