import net from "node:net";
import { freePort } from "@scripts-email/harness/ports";
import { GTUBE, type PrivateRspamd, startRspamd } from "@scripts-email/harness/rspamd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSpamScanner, parseVerdict } from "./spam-scanner.ts";

const job = (body: string, subject = "Your order 1042") => ({
  id: "0193a6f0-0000-7000-8000-000000000001",
  serviceName: "shop.example",
  envelopeFrom: "orders@shop.example",
  recipients: ["client@dest.example", "copy@dest.example"],
  raw: Buffer.from(
    "From: Shop <orders@shop.example>\r\nTo: Client <client@dest.example>\r\n" +
      `Subject: ${subject}\r\nDate: Tue, 10 Mar 2026 12:00:00 +0000\r\n` +
      "Message-ID: <order-1042@shop.example>\r\nMIME-Version: 1.0\r\n" +
      "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
      `${body}\r\n`,
  ),
});

describe("spam scanner against a real rspamd", () => {
  let rspamd: PrivateRspamd;
  beforeAll(async () => {
    rspamd = await startRspamd();
  }, 200_000);
  afterAll(async () => {
    await rspamd?.stop();
  });

  it("gives GTUBE the action reject, with the symbol that says why", async () => {
    const scanner = createSpamScanner({ url: rspamd.url, timeoutMs: 10_000 });
    const result = await scanner.scan(job(`Cheap pills.\r\n${GTUBE}`, "WIN NOW"));
    expect("verdict" in result).toBe(true);
    if (!("verdict" in result)) return;
    expect(result.verdict.action).toBe("reject");
    expect(result.verdict.score).toBeGreaterThan(0);
    expect(result.verdict.symbols.map((s) => s.name)).toContain("GTUBE");
  });

  it("lets an order confirmation through, with its symbols sorted by weight", async () => {
    const scanner = createSpamScanner({ url: rspamd.url, timeoutMs: 10_000 });
    const result = await scanner.scan(
      job("Hello Ana,\r\n\r\nThank you for your order 1042: two mugs, shipped tomorrow.\r\n"),
    );
    expect("verdict" in result).toBe(true);
    if (!("verdict" in result)) return;
    expect(result.verdict.action).not.toMatch(/reject/);
    const { symbols } = result.verdict;
    expect(symbols.length).toBeGreaterThan(0);
    expect(symbols.length).toBeLessThanOrEqual(10);
    for (let i = 1; i < symbols.length; i++) {
      expect(Math.abs(symbols[i - 1]!.score)).toBeGreaterThanOrEqual(Math.abs(symbols[i]!.score));
    }
    for (const s of symbols) {
      expect(s.description === null || typeof s.description === "string").toBe(true);
    }
  });
});

describe("spam scanner that cannot answer", () => {
  it("says unscanned at once when nothing listens", async () => {
    const port = await freePort();
    // a timeout the test would notice: the refusal must come from the connection, not the clock
    const scanner = createSpamScanner({ url: `http://127.0.0.1:${port}`, timeoutMs: 60_000 });
    const result = await scanner.scan(job("Hello"));
    expect(result).toEqual({ unscanned: expect.stringContaining("ECONNREFUSED") });
  });

  describe("a scanner that accepts and never answers", () => {
    let server: net.Server;
    let url: string;
    const sockets = new Set<net.Socket>();
    beforeAll(async () => {
      server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.resume();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it("says unscanned once the timeout has passed, and lets the connection go", async () => {
      const scanner = createSpamScanner({ url, timeoutMs: 300 });
      const started = performance.now();
      const result = await scanner.scan(job("Hello"));
      expect(result).toEqual({ unscanned: "no answer within 300 ms" });
      expect(performance.now() - started).toBeGreaterThanOrEqual(295);
      await expect.poll(() => sockets.size).toBe(0);
    });
  });

  it("does not take an answer that is not rspamd's for a verdict", () => {
    expect(parseVerdict("<html>502 Bad Gateway</html>")).toBeNull();
    expect(parseVerdict(JSON.stringify({ score: "high", action: "reject" }))).toBeNull();
    expect(parseVerdict(JSON.stringify({ error: "bad request" }))).toBeNull();
    const many = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [`S${i}`, { name: `S${i}`, score: i - 7 }]),
    );
    const verdict = parseVerdict(JSON.stringify({ score: 3, action: "add header", symbols: many }));
    expect(verdict?.symbols).toHaveLength(10);
    expect(verdict?.symbols[0]).toEqual({ name: "S0", score: -7, description: null });
    expect(verdict?.symbols.map((s) => Math.abs(s.score))).toEqual([7, 6, 6, 5, 5, 4, 4, 3, 3, 2]);
  });
});
