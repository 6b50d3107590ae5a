import { QUEUE_COUNT_CAP } from "@scripts-email/contracts";
import { expect, it } from "vitest";
import { queueCount } from "./queue-count.ts";

const format = (n: number) => new Intl.NumberFormat("en").format(n);

it("shows exact counts, and the cap with a plus once the server stopped counting", () => {
  expect(queueCount(format, { countsCapped: false }, 42)).toBe("42");
  expect(queueCount(format, { countsCapped: true }, 42)).toBe("42");
  expect(queueCount(format, { countsCapped: true }, QUEUE_COUNT_CAP)).toBe("10,000+");
});
