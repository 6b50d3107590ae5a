import { describe, expect, it } from "vitest";
import { checkMessage, MAX_HEADER_FIELDS, MAX_LINE } from "./message-hygiene.ts";

const ok = (raw: string) => {
  const result = checkMessage(Buffer.from(raw, "latin1"));
  if (!result.ok) throw new Error(result.text);
  return result.raw.toString("latin1");
};

describe("message hygiene", () => {
  it("keeps a well-formed message as it is (same buffer)", () => {
    const raw = Buffer.from("Subject: hi\r\n\r\nbody\r\n");
    const result = checkMessage(raw);
    expect(result.ok && result.raw).toBe(raw);
  });

  it("turns bare LF and bare CR line ends into CRLF", () => {
    expect(ok("Subject: hi\n\nline1\nline2\rline3\r\n")).toBe(
      "Subject: hi\r\n\r\nline1\r\nline2\r\nline3\r\n",
    );
  });

  it("keeps 8-bit bytes intact", () => {
    expect(ok("Subject: caf\xe9\r\n\r\nna\xefve\r\n")).toBe("Subject: caf\xe9\r\n\r\nna\xefve\r\n");
  });

  it("refuses NUL bytes", () => {
    expect(checkMessage(Buffer.from("Subject: a\0b\r\n\r\n"))).toMatchObject({
      ok: false,
      code: 554,
    });
  });

  it("refuses a header line over 998 characters, but not a long body line", () => {
    const atLimit = `X-Long: ${"a".repeat(MAX_LINE - 8)}`;
    expect(atLimit).toHaveLength(MAX_LINE);
    expect(checkMessage(Buffer.from(`${atLimit}\r\n\r\nbody`)).ok).toBe(true);
    expect(checkMessage(Buffer.from(`${atLimit}a\r\n\r\nbody`))).toMatchObject({ ok: false });
    expect(checkMessage(Buffer.from(`Subject: x\r\n\r\n${"b".repeat(5000)}\r\n`)).ok).toBe(true);
  });

  it("refuses more than the maximum number of header fields", () => {
    const fields = (n: number) => "X-A: 1\r\n".repeat(n);
    expect(checkMessage(Buffer.from(`${fields(MAX_HEADER_FIELDS)}\r\nbody`)).ok).toBe(true);
    expect(checkMessage(Buffer.from(`${fields(MAX_HEADER_FIELDS + 1)}\r\nbody`))).toMatchObject({
      ok: false,
      text: expect.stringContaining("header fields"),
    });
  });
});
