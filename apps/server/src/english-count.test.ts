import { expect, it } from "vitest";
import { englishCount } from "./english-count.ts";

it("uses the singular for one only", () => {
  expect(englishCount(1, "error", "errors")).toBe("1 error");
  expect(englishCount(0, "error", "errors")).toBe("0 errors");
  expect(englishCount(4, "held message", "held messages")).toBe("4 held messages");
});
