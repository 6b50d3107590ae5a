import { selectionFilter } from "@scripts-email/contracts";
import { describe, expect, it } from "vitest";
import { allowedStatuses, groupFilter } from "./selection-filter.ts";

describe("a group's filter", () => {
  it("names the script, the subject or every recipient at the domain", () => {
    expect(groupFilter("script", "contact.php")).toEqual({ script: "contact.php" });
    expect(groupFilter("subject", "Your order")).toEqual({ subject: "Your order" });
    expect(groupFilter("domain", "victim.example")).toEqual({ recipient: "@victim.example" });
  });

  it("keeps a subject the filter accepts: its first line, at most 200 characters", () => {
    const long = `${"a".repeat(199)} tail`;
    const filter = groupFilter("subject", long);
    expect(filter).toEqual({ subject: "a".repeat(199) });
    expect(groupFilter("subject", "Offer\tnow")).toEqual({ subject: "Offer" });
    for (const key of [long, "Offer\tnow", "  spaced  "]) {
      expect(selectionFilter.safeParse(groupFilter("subject", key)).success).toBe(true);
    }
  });

  it("is none for a group without a key", () => {
    expect(groupFilter("script", "")).toBeNull();
    expect(groupFilter("subject", "")).toBeNull();
    expect(groupFilter("subject", "\t")).toBeNull();
  });
});

describe("the statuses an action covers", () => {
  it("leaves spam out of a customer's release only", () => {
    expect(allowedStatuses("release", "customer", ["held", "spam"])).toEqual({
      status: ["held"],
      spamKept: true,
    });
    expect(allowedStatuses("release", "support", ["held", "spam"])).toEqual({
      status: ["held", "spam"],
      spamKept: false,
    });
    expect(allowedStatuses("delete", "customer", ["held", "spam"])).toEqual({
      status: ["held", "spam"],
      spamKept: false,
    });
    expect(allowedStatuses("release", "customer", ["spam"])).toEqual({
      status: [],
      spamKept: true,
    });
  });
});
