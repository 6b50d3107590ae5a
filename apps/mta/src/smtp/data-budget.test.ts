import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import { createIngestFixture } from "@scripts-email/harness/smtp-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataBudget, InsufficientStorageError } from "./data-budget.ts";

// Message data under a global memory budget: kept in memory while it fits, spooled past it,
// given back when the message is answered or the client goes away.

const KB = 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "se-data-budget-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type DataStream = PassThrough & { sizeExceeded?: boolean };

/** A DATA stream the test writes into, as the library's parser would. */
function dataStream(): DataStream {
  const stream: DataStream = new PassThrough();
  stream.sizeExceeded = false;
  return stream;
}

async function feed(stream: DataStream, data: Buffer, chunk = 16 * KB, end = true) {
  for (let i = 0; i < data.length; i += chunk) {
    if (!stream.write(data.subarray(i, i + chunk))) {
      await new Promise((r) => stream.once("drain", r));
    }
  }
  if (end) stream.end();
}

const budgetOf = (memoryBytes: number, spoolDir = dir, minFreeBytes = 0) =>
  new DataBudget({ memoryBytes, spoolDir, minFreeBytes });

describe("DataBudget", () => {
  it("keeps a message that fits in memory until it is released", async () => {
    const budget = budgetOf(1024 * KB);
    const data = randomBytes(100 * KB);
    const stream = dataStream();
    const collecting = budget.collect(stream);
    await feed(stream, data);
    const message = await collecting;
    expect(message?.spooled).toBe(false);
    expect(message?.raw.equals(data)).toBe(true);
    expect(budget.held).toBe(100 * KB);
    message?.release();
    message?.release();
    expect(budget.held).toBe(0);
  });

  it("spools what does not fit, byte for byte, without ever holding more than the budget", async () => {
    const budget = budgetOf(1024 * KB);
    const inputs = [randomBytes(700 * KB), randomBytes(700 * KB), randomBytes(900 * KB)];
    let peak = 0;
    const streams = inputs.map(() => dataStream());
    const collected = streams.map((s) => budget.collect(s));
    const sampler = setInterval(() => {
      peak = Math.max(peak, budget.held);
    }, 1);
    // Interleaved, as concurrent sessions would be.
    await Promise.all(inputs.map((data, i) => feed(streams[i]!, data, 8 * KB)));
    const messages = await Promise.all(collected);
    clearInterval(sampler);
    peak = Math.max(peak, budget.held);
    expect(peak).toBeLessThanOrEqual(1024 * KB);
    expect(messages.map((m) => m?.spooled).filter(Boolean).length).toBeGreaterThanOrEqual(1);
    messages.forEach((m, i) => {
      expect(m?.raw.equals(inputs[i]!)).toBe(true);
    });
    for (const m of messages) m?.release();
    expect(budget.held).toBe(0);
    // Spool files are unlinked as soon as they are opened.
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads spooled messages back one reader at a time, each until it is released", async () => {
    const budget = new DataBudget({
      memoryBytes: 16 * KB,
      spoolDir: dir,
      minFreeBytes: 0,
      readers: 1,
    });
    const inputs = [randomBytes(100 * KB), randomBytes(100 * KB)];
    const streams = inputs.map(() => dataStream());
    const collected = streams.map((s) => budget.collect(s));
    await Promise.all(inputs.map((data, i) => feed(streams[i]!, data)));
    const settled: number[] = [];
    collected.forEach((c, n) => {
      void c.then(() => settled.push(n));
    });
    while (settled.length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toHaveLength(1);
    const first = await collected[settled[0]!];
    expect(first?.spooled).toBe(true);
    first?.release();
    const messages = await Promise.all(collected);
    expect(settled).toHaveLength(2);
    expect(messages.every((m, n) => m?.raw.equals(inputs[n]!))).toBe(true);
    for (const m of messages) m?.release();
  });

  it("gives everything back when the client goes away in the middle", async () => {
    const budget = budgetOf(64 * KB);
    const stream = dataStream();
    const collecting = budget.collect(stream);
    await feed(stream, randomBytes(300 * KB), 16 * KB, false);
    stream.destroy(new Error("Connection closed before the message was received in full"));
    await expect(collecting).rejects.toThrow(/Connection closed/);
    await new Promise((r) => setTimeout(r, 20));
    expect(budget.held).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it("answers null for a message over the size limit and keeps none of it", async () => {
    const budget = budgetOf(1024 * KB);
    const stream = dataStream();
    const collecting = budget.collect(stream);
    await feed(stream, randomBytes(64 * KB), 16 * KB, false);
    stream.sizeExceeded = true;
    await feed(stream, randomBytes(64 * KB));
    expect(await collecting).toBeNull();
    expect(budget.held).toBe(0);
  });

  it("refuses to spool when the disk is short of room or the spool cannot be written", async () => {
    const full = budgetOf(16 * KB, dir, Number.MAX_SAFE_INTEGER);
    const s1 = dataStream();
    const c1 = full.collect(s1);
    await feed(s1, randomBytes(64 * KB));
    await expect(c1).rejects.toBeInstanceOf(InsufficientStorageError);
    expect(full.held).toBe(0);

    const file = path.join(dir, "not-a-folder");
    await writeFile(file, "");
    const broken = budgetOf(16 * KB, path.join(file, "spool"));
    const s2 = dataStream();
    const c2 = broken.collect(s2);
    await feed(s2, randomBytes(64 * KB));
    await expect(c2).rejects.toBeInstanceOf(InsufficientStorageError);
    await rm(file);
  });
});

describe("message data over SMTP", () => {
  it("stores a message spooled past the budget intact, and answers 452 4.3.1 when it cannot spool", async () => {
    const fx = await createIngestFixture();
    try {
      const site = await fx.addHosting("big.example");
      const body = `${"0123456789".repeat(7)}\r\n`.repeat(3_000); // ~216 KB
      const raw = rawMessage({ From: "site@big.example", Subject: "spooled" }, body);
      const send = async (port: number) => {
        const client = await RawSmtpClient.connect(port);
        try {
          await client.login(site.serviceName, site.password);
          expect((await client.command("MAIL FROM:<site@big.example>"))?.code).toBe(250);
          expect((await client.command("RCPT TO:<someone@dest.test>"))?.code).toBe(250);
          expect((await client.command("DATA"))?.code).toBe(354);
          client.write(`${raw}.\r\n`);
          return await client.read();
        } finally {
          client.close();
        }
      };
      const good = await fx.startServer({ dataMemoryBytes: 32 * KB, spoolDir: dir });
      expect((await send(good.port))?.code).toBe(250);
      expect(good.server.load().dataBytesInMemory).toBe(0);
      // A message that fits stays in memory, and its memory is given back with its answer.
      const small = await RawSmtpClient.connect(good.port);
      await small.login(site.serviceName, site.password);
      await small.command("MAIL FROM:<site@big.example>");
      await small.command("RCPT TO:<someone@dest.test>");
      await small.command("DATA");
      small.write(`${rawMessage({ From: "site@big.example", Subject: "small" })}.\r\n`);
      expect((await small.read())?.code).toBe(250);
      expect(good.server.load().dataBytesInMemory).toBe(0);
      small.close();
      const stored = await fx.db.prisma.message.findMany({ where: { hostingId: site.id } });
      expect(stored.map((m) => m.subject).sort()).toEqual(["small", "spooled"]);

      const file = path.join(dir, "a-file");
      await writeFile(file, "");
      const bad = await fx.startServer({
        dataMemoryBytes: 32 * KB,
        spoolDir: path.join(file, "spool"),
      });
      const refused = await send(bad.port);
      expect(refused?.code).toBe(452);
      expect(refused?.lines.join(" ")).toMatch(/^4\.3\.1 Insufficient system storage/);
      expect(await fx.db.prisma.message.count({ where: { hostingId: site.id } })).toBe(2);
      await rm(file);
    } finally {
      await fx.close();
    }
  });
});
