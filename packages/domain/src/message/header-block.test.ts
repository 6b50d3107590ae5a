import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { joinMessage, MAX_HEADER_BYTES, splitMessage } from "./header-block.ts";

describe("header block", () => {
  it("gives each field's bytes as a slice of the message, so joining them back is byte-exact", () => {
    const raw = Buffer.from("Subject: a\r\n\tfolded \xe9\r\nTo: b@x.test\n\r\nbody\r\n", "latin1");
    const { fields, rest } = splitMessage(raw);
    expect(fields.map((f) => [f.name, f.value])).toEqual([
      ["Subject", "a folded \uFFFD"],
      ["To", "b@x.test"],
    ]);
    expect(fields[0]!.bytes.buffer).toBe(raw.buffer);
    expect(rest.toString()).toBe("\r\nbody\r\n");
    expect(joinMessage(fields, rest).equals(raw)).toBe(true);
  });

  it("ends the block at a line that is no field, unless asked to skip it (for display)", () => {
    const raw = Buffer.from("A: 1\r\nnot a field\r\n continued\r\nB : 2\r\nC: 3\r\n\r\nD: 4");
    expect(splitMessage(raw).fields.map((f) => f.name)).toEqual(["A"]);
    expect(splitMessage(raw).rest.toString().startsWith("not a field")).toBe(true);
    const lenient = splitMessage(raw, { lenient: true });
    expect(lenient.fields.map((f) => [f.name, f.value])).toEqual([
      ["A", "1"],
      ["B", "2"],
      ["C", "3"],
    ]);
    expect(splitMessage(raw, { lenient: true, maxFields: 2 }).fields).toHaveLength(2);
  });

  it("reads a Uint8Array view as it is, and nothing past the size limit", () => {
    const whole = new TextEncoder().encode("junk|X-A: 1\r\n\r\nbody");
    expect(splitMessage(whole.subarray(5)).fields.map((f) => f.name)).toEqual(["X-A"]);
    const big = Buffer.from(`X-Big: ${"a".repeat(MAX_HEADER_BYTES)}\r\nX-After: 1\r\n\r\n`);
    const { fields, rest } = splitMessage(big);
    expect(fields.map((f) => f.name)).toEqual(["X-Big"]);
    expect(rest.length).toBe(big.length - MAX_HEADER_BYTES);
  });

  it("imports nothing, so that the sendmail command loads this file alone", () => {
    const source = readFileSync(new URL("./header-block.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });
});
