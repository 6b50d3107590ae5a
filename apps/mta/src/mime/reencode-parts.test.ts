import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { has8bit, longestLine, MAX_LINE, reencodeParts } from "./reencode-parts.ts";

const long = (n: number, unit = "x") => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const CRLF = "\r\n";

describe("longestLine and has8bit", () => {
  it("measures lines without their line break, and finds 8-bit bytes", () => {
    expect(longestLine(Buffer.from("ab\r\nabcd\r\nabc"))).toBe(4);
    expect(longestLine(Buffer.from("abcde\nab\r\n"))).toBe(5);
    expect(longestLine(Buffer.from(""))).toBe(0);
    expect(has8bit(Buffer.from("plain"))).toBe(false);
    expect(has8bit(Buffer.from("olá"))).toBe(true);
  });
});

describe("reencodeParts", () => {
  const pickLong = (_node: unknown, body: Buffer) => longestLine(body) > MAX_LINE;

  it("re-encodes only the part with a long line, keeping boundaries and other parts byte for byte", async () => {
    const html = `<html><body>${long(3000, "<p>word</p> ")}</body></html>`;
    const attachment = Buffer.alloc(3000, 0xab).toString("base64");
    const raw = Buffer.from(
      [
        "From: site@example.org",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "preamble",
        "--b1",
        'Content-Type: multipart/alternative; boundary="b2"',
        "",
        "--b2",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "short text",
        "--b2",
        "Content-Type: text/html; charset=utf-8",
        "",
        html,
        "--b2--",
        "--b1",
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64",
        "",
        attachment,
        "--b1--",
        "",
      ].join(CRLF),
    );
    const before = await simpleParser(raw);
    const { raw: out, changed } = await reencodeParts(raw, pickLong);
    expect(changed).toBe(2);
    expect(longestLine(out)).toBeLessThanOrEqual(76);
    const text = out.toString();
    expect(text).toContain(
      "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nshort text\r\n--b2",
    );
    expect(text).toMatch(
      /Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n/,
    );
    expect(text).toContain("preamble\r\n--b1\r\n");
    const after = await simpleParser(out);
    expect(after.html).toBe(before.html);
    expect(after.text).toBe(before.text);
    expect(after.attachments[0]!.content.equals(before.attachments[0]!.content)).toBe(true);
  });

  it("gives a plain message its MIME-Version when its body becomes quoted-printable", async () => {
    const raw = Buffer.from(`Subject: one line${CRLF}${CRLF}${long(2000)} =end${CRLF}`);
    const { raw: out } = await reencodeParts(raw, pickLong);
    const text = out.toString();
    // added after the fields already there, so that trace fields (Received) stay on top
    expect(text).toMatch(
      /^Subject: one line\r\nContent-Transfer-Encoding: quoted-printable\r\nMIME-Version: 1\.0\r\n\r\n/,
    );
    expect(longestLine(out)).toBeLessThanOrEqual(76);
    expect((await simpleParser(out)).text).toBe(`${long(2000)} =end\n`);
  });

  it("returns the very same buffer when nothing is picked", async () => {
    const raw = Buffer.from(`Subject: x${CRLF}${CRLF}hello${CRLF}`);
    const result = await reencodeParts(raw, pickLong);
    expect(result).toEqual({ raw, changed: 0 });
    expect(result.raw).toBe(raw);
  });

  it("escapes a decoded line that would read as a boundary", async () => {
    // quoted-printable content that decodes to "--b1": encoded anew it must not end the part
    const raw = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        `=2D-b1${CRLF}${long(1200)}`,
        "--b1--",
        "",
      ].join(CRLF),
    );
    const before = await simpleParser(raw);
    const { raw: out } = await reencodeParts(raw, pickLong);
    expect(out.toString()).not.toMatch(/\r\n--b1\r\n.*\r\n--b1\r\n/s);
    const after = await simpleParser(out);
    expect(after.text).toBe(before.text);
  });

  it("keeps the content of random messages while no line stays over 998 (fuzz)", async () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ["a", "olá", "=", " ", "\t", "--", ".", "ça", "✓", "x".repeat(40), "<p>"];
    const line = () => {
      const target = random(4) === 0 ? 999 + random(3000) : random(120);
      let s = "";
      while (s.length < target) s += words[random(words.length)];
      return s;
    };
    const body = () => Array.from({ length: 1 + random(6) }, line).join(CRLF);
    const leaf = (i: number) => {
      const encoding = ["", "7bit", "8bit", "quoted-printable", "base64"][random(5)]!;
      const content = body();
      const headers = [`Content-Type: text/plain; charset=utf-8; name="p${i}"`];
      if (encoding) headers.push(`Content-Transfer-Encoding: ${encoding}`);
      const encoded =
        encoding === "base64"
          ? Buffer.from(content).toString("base64") // one long line when over 998
          : encoding === "quoted-printable"
            ? content.replace(/=/g, "=3D")
            : content;
      return `${headers.join(CRLF)}${CRLF}${CRLF}${encoded}`;
    };
    let changed = 0;
    for (let round = 0; round < 40; round++) {
      const parts = 1 + random(4);
      const raw =
        random(3) === 0
          ? Buffer.from(`Subject: r${round}${CRLF}${leaf(0)}${CRLF}`)
          : Buffer.from(
              [
                "Subject: fuzz",
                'Content-Type: multipart/mixed; boundary="=_b"',
                "",
                ...Array.from({ length: parts }, (_, i) => `--=_b${CRLF}${leaf(i)}`),
                "--=_b--",
                "",
              ].join(CRLF),
            );
      const result = await reencodeParts(raw, pickLong);
      const out = result.raw;
      changed += result.changed;
      expect(longestLine(out)).toBeLessThanOrEqual(MAX_LINE);
      const [before, after] = [await simpleParser(raw), await simpleParser(out)];
      expect(after.text).toBe(before.text);
      expect(after.attachments.length).toBe(before.attachments.length);
      for (const [i, a] of before.attachments.entries()) {
        expect(after.attachments[i]!.content.equals(a.content)).toBe(true);
      }
    }
    expect(changed).toBeGreaterThan(20);
  });

  it("in 7-bit mode, declares containers 7bit and escapes 8-bit leaves", async () => {
    const raw = Buffer.from(
      [
        'Content-Type: multipart/alternative; boundary="b"',
        "Content-Transfer-Encoding: 8bit",
        "",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "Olá, ça va? ✓",
        "--b--",
        "",
      ].join(CRLF),
    );
    const { raw: out } = await reencodeParts(raw, (_n, b) => has8bit(b), { sevenBit: true });
    expect(has8bit(out)).toBe(false);
    expect(out.toString()).toMatch(
      /^Content-Type: multipart\/alternative; boundary="b"\r\nContent-Transfer-Encoding: 7bit\r\n/,
    );
    expect((await simpleParser(out)).text).toBe("Olá, ça va? ✓");
  });
});
