import { expect, it } from "vitest";
import { isEnvelopeAddress } from "./envelope-address.ts";

it.each([
  ["a@example.org", true],
  ["first.last+tag@sub.example.org", true],
  ["", false],
  ["no-at-sign", false],
  ["two@@example.org", false],
  ["a@b@example.org", false],
  ["@example.org", false],
  ["a@", false],
  ["a b@example.org", false],
  ["a@example.org\rRCPT TO:<x@y.test>", false],
  ["a@exa\u0000mple.org", false],
  [`${"a".repeat(250)}@b.org`, false],
])("%j is a safe envelope address: %s", (address, safe) => {
  expect(isEnvelopeAddress(address)).toBe(safe);
});

it("allows the empty reverse path for the sender only", () => {
  expect(isEnvelopeAddress("", true)).toBe(true);
});
