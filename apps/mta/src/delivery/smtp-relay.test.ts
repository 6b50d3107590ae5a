import net from "node:net";
import {
  cleanups,
  job,
  ordinary,
  relayFor,
  startScripted,
  startServer,
} from "@scripts-email/harness/relay-servers";
import { describe, expect, it } from "vitest";
import { dotStuffed } from "./smtp-client.ts";

describe.each([
  ["with PIPELINING", false],
  ["without PIPELINING", true],
])("SMTP relay %s", (_name, hidePIPELINING) => {
  it("delivers to every recipient with the relay's 250 text, content intact", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    const message = job(["a@dest.test", "b@dest.test"]);
    const results = await relay.deliver(message);
    expect(results).toEqual([
      { recipient: "a@dest.test", outcome: "delivered", code: 250, text: "250 Message accepted" },
      { recipient: "b@dest.test", outcome: "delivered", code: 250, text: "250 Message accepted" },
    ]);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({
      from: "site@example.test",
      to: ["a@dest.test", "b@dest.test"],
    });
    expect(server.received[0]!.raw.equals(message.raw)).toBe(true);
    // and again on the same connection
    expect((await relay.deliver(job(["c@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.connections).toBe(1);
  });

  it("maps each refused recipient to its own reply: 550 failed, 450 deferred", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    const results = await relay.deliver(
      job(["ok@dest.test", "gone+550@dest.test", "busy+450@dest.test", "ok2@dest.test"]),
    );
    expect(results.map((r) => [r.recipient, r.outcome, r.code])).toEqual([
      ["ok@dest.test", "delivered", 250],
      ["gone+550@dest.test", "failed", 550],
      ["busy+450@dest.test", "deferred", 450],
      ["ok2@dest.test", "delivered", 250],
    ]);
    expect(results[1]!.text).toMatch(/^550 .*Recipient says 550/);
    expect(server.received.map((r) => r.to)).toEqual([["ok@dest.test", "ok2@dest.test"]]);
  });

  it("gives every recipient its refusal when none is accepted, and the session goes on", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    const results = await relay.deliver(job(["a+550@dest.test", "b+451@dest.test"]));
    expect(results.map((r) => [r.outcome, r.code])).toEqual([
      ["failed", 550],
      ["deferred", 451],
    ]);
    expect((await relay.deliver(job(["c@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.connections).toBe(1);
  });

  it("fails every accepted recipient when DATA is refused 554, and defers them on 451", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    server.dataCode = 554;
    let results = await relay.deliver(job(["a@dest.test", "b@dest.test", "c+550@dest.test"]));
    expect(results.map((r) => [r.outcome, r.code])).toEqual([
      ["failed", 554],
      ["failed", 554],
      ["failed", 550],
    ]);
    expect(results[0]!.text).toMatch(/^554 .*Data says 554/);
    server.dataCode = 451;
    results = await relay.deliver(job(["a@dest.test"]));
    expect(results[0]).toMatchObject({ outcome: "deferred", code: 451 });
    server.dataCode = null;
    expect((await relay.deliver(job(["a@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.received).toHaveLength(1);
  });

  it("sends a line beginning with '.' intact (dot-stuffing), 8-bit bytes as they are", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    const raw = Buffer.concat([
      Buffer.from(".first line is a dot line\r\nSubject: dots\r\n\r\n.\r\n..two\r\n. space\r\n"),
      Buffer.from("Olá, ça va? ✓\r\n", "utf8"),
      Buffer.from([0xe9, 0xe0, 0x0d, 0x0a]),
      Buffer.from("end\r\n.\r\n"),
    ]);
    const results = await relay.deliver(job(["a@dest.test"], raw));
    expect(results[0]!.outcome).toBe("delivered");
    expect(server.received[0]!.raw.equals(raw)).toBe(true);
  });

  it("passes internationalised addresses with SMTPUTF8", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    const results = await relay.deliver(job(["josé@dést.test", "plain@dest.test"]));
    expect(results.map((r) => r.outcome)).toEqual(["delivered", "delivered"]);
    expect(server.received[0]!.to).toEqual(["josé@dést.test", "plain@dest.test"]);
  });

  it("ends content without a final line break with one, and bare LF as CRLF", async () => {
    const server = await startServer({ hidePIPELINING });
    const relay = relayFor(server.url);
    await relay.deliver(job(["a@dest.test"], "Subject: x\n\nline one\n.dot\nno break at the end"));
    expect(server.received[0]!.raw.toString()).toBe(
      "Subject: x\r\n\r\nline one\r\n.dot\r\nno break at the end\r\n",
    );
  });
});

describe("SMTP relay pipelining", () => {
  it("sends MAIL, every RCPT and DATA in one write, then the content with its dot in one write", async () => {
    const server = await startScripted((line) => ordinary(line, ["PIPELINING", "8BITMIME"]));
    const relay = relayFor(server.url);
    const raw = "Subject: one write\r\n\r\n.dot\r\nbody\r\n";
    const results = await relay.deliver(job(["a@dest.test", "b@dest.test"], raw));
    expect(results.map((r) => [r.outcome, r.code, r.text])).toEqual([
      ["delivered", 250, "250 queued as X1"],
      ["delivered", 250, "250 queued as X1"],
    ]);
    expect(server.chunks).toContain(
      "MAIL FROM:<site@example.test> BODY=8BITMIME\r\nRCPT TO:<a@dest.test>\r\n" +
        "RCPT TO:<b@dest.test>\r\nDATA\r\n",
    );
    expect(server.chunks).toContain("Subject: one write\r\n\r\n..dot\r\nbody\r\n.\r\n");
  });

  it("goes lock-step when PIPELINING is not offered, and falls back to HELO when EHLO is refused", async () => {
    const server = await startScripted((line) =>
      line.startsWith("EHLO") ? "502 no EHLO here" : ordinary(line),
    );
    const relay = relayFor(server.url);
    const results = await relay.deliver(job(["a@dest.test", "b@dest.test"]));
    expect(results.every((r) => r.outcome === "delivered")).toBe(true);
    expect(server.chunks.some((c) => c.startsWith("HELO "))).toBe(true);
    expect(server.chunks.filter((c) => /^(MAIL|RCPT|DATA)/.test(c))).toEqual([
      "MAIL FROM:<site@example.test>\r\n",
      "RCPT TO:<a@dest.test>\r\n",
      "RCPT TO:<b@dest.test>\r\n",
      "DATA\r\n",
    ]);
  });

  it("reads multi-line replies and several replies split anywhere across TCP chunks", async () => {
    // The server answers byte by byte, with multi-line replies everywhere.
    const server = net.createServer((socket) => {
      socket.on("error", () => undefined);
      const say = async (text: string) => {
        for (const ch of text) {
          socket.write(ch);
          await new Promise((r) => setImmediate(r));
        }
      };
      let inData = false;
      let buffered = "";
      void say("220-first\r\n220 second\r\n");
      socket.on("data", (d: Buffer) => {
        buffered += d.toString("latin1");
        let out = "";
        for (;;) {
          if (inData) {
            const end = buffered.indexOf("\r\n.\r\n");
            if (end === -1) break;
            buffered = buffered.slice(end + 5);
            inData = false;
            out += "250-queued\r\n250 as Y2\r\n";
            continue;
          }
          const nl = buffered.indexOf("\r\n");
          if (nl === -1) break;
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 2);
          if (line.startsWith("EHLO")) out += "250-hi\r\n250-PIPELINING\r\n250 SIZE 1000\r\n";
          else if (line === "DATA") {
            out += "354-go\r\n354 ahead\r\n";
            inData = true;
          } else if (line === "QUIT") out += "221 bye\r\n";
          else out += "250-ok\r\n250 ok\r\n";
        }
        if (out) void say(out);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const relay = relayFor(`smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    const results = await relay.deliver(job(["a@dest.test", "b@dest.test"]));
    expect(results[0]).toEqual({
      recipient: "a@dest.test",
      outcome: "delivered",
      code: 250,
      text: "250-queued\n250 as Y2",
    });
    await relay.close();
  });
});

describe("SMTP relay faults", () => {
  it.each([
    ["lock-step", []],
    ["pipelined", ["PIPELINING"]],
  ])(
    "defers on a 421 or a dropped connection mid-transaction (%s), then recovers",
    async (_mode, ehlo) => {
      // connection 1: 421 to the content; 2: dropped after RCPT; 3 onwards: fine
      const server = await startScripted((line, connection) => {
        if (connection === 1 && line === "<content>") return "421 shutting down";
        if (connection === 2 && line.startsWith("RCPT")) return "drop";
        return ordinary(line, ehlo);
      });
      const relay = relayFor(server.url, { maxConnections: 1 });
      let results = await relay.deliver(job(["a@dest.test", "b@dest.test"]));
      expect(results.map((r) => [r.outcome, r.code, r.text])).toEqual([
        ["deferred", 421, "421 shutting down"],
        ["deferred", 421, "421 shutting down"],
      ]);
      results = await relay.deliver(job(["a@dest.test"]));
      expect(results[0]).toMatchObject({ outcome: "deferred", code: null });
      expect(results[0]!.text).toMatch(/^ECONNECTION: /);
      results = await relay.deliver(job(["a@dest.test"]));
      expect(results[0]).toMatchObject({ outcome: "delivered", code: 250 });
      expect(server.connections()).toBe(3);
      expect(server.contents).toHaveLength(2);
    },
  );

  it("defers when the relay greets with 421, and when it is not there at all", async () => {
    const busy = await startScripted(() => null, "421 too busy");
    let results = await relayFor(busy.url).deliver(job(["a@dest.test"]));
    expect(results[0]).toEqual({
      recipient: "a@dest.test",
      outcome: "deferred",
      code: 421,
      text: "421 too busy",
      kind: "relay",
    });
    results = await relayFor("smtp://127.0.0.1:1").deliver(job(["a@dest.test"]));
    expect(results[0]).toMatchObject({ outcome: "deferred", code: null });
    expect(results[0]!.text).toMatch(/ECONNECTION.*ECONNREFUSED/);
  });

  it("defers within the timeout when the relay never answers, and drops that connection", async () => {
    const silent = await startScripted(() => null, "");
    const relay = relayFor(silent.url, { timeoutSeconds: 0.4 });
    const t0 = Date.now();
    const results = await relay.deliver(job(["a@dest.test"]));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(results[0]).toMatchObject({ outcome: "deferred", code: null });
    expect(results[0]!.text).toMatch(/^ETIMEDOUT: /);

    // a relay that stops answering in the middle of a message (after the content)
    let hang = true;
    const stuck = await startScripted((line) =>
      line === "<content>" && hang ? null : ordinary(line),
    );
    const relay2 = relayFor(stuck.url, { timeoutSeconds: 0.4, maxConnections: 1 });
    const t1 = Date.now();
    const stuckResults = await relay2.deliver(job(["a@dest.test", "b@dest.test"]));
    expect(Date.now() - t1).toBeLessThan(2000);
    expect(stuckResults.map((r) => r.outcome)).toEqual(["deferred", "deferred"]);
    expect(stuckResults[0]!.text).toMatch(/^ETIMEDOUT: /);
    hang = false;
    expect((await relay2.deliver(job(["a@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(stuck.connections()).toBe(2);
  });

  it("replaces a connection the relay closed while it was idle", async () => {
    const server = await startServer({ socketTimeout: 200 });
    const relay = relayFor(server.url, { maxConnections: 1 });
    expect((await relay.deliver(job(["a@dest.test"])))[0]!.outcome).toBe("delivered");
    await new Promise((r) => setTimeout(r, 600));
    expect((await relay.deliver(job(["b@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.connections).toBe(2);
  });

  it("delivers many messages in parallel over few connections, each exactly once", async () => {
    const server = await startServer();
    const relay = relayFor(server.url, { maxConnections: 3 });
    const jobs = Array.from({ length: 200 }, (_, i) => job([`r${i}@dest.test`]));
    const results = await Promise.all(jobs.map((j) => relay.deliver(j)));
    expect(results.flat().every((r) => r.outcome === "delivered")).toBe(true);
    expect(server.received).toHaveLength(200);
    expect(new Set(server.received.map((r) => r.to[0])).size).toBe(200);
    expect(server.connections).toBeLessThanOrEqual(3);
  });
});

describe("dotStuffed", () => {
  it("stuffs dots, makes line ends CRLF and terminates the data", () => {
    const s = (text: string) => dotStuffed(Buffer.from(text)).toString();
    expect(s("a\r\nb\r\n")).toBe("a\r\nb\r\n.\r\n");
    expect(s("a")).toBe("a\r\n.\r\n");
    expect(s("")).toBe(".\r\n");
    expect(s(".a\r\n.\r\n..b")).toBe("..a\r\n..\r\n...b\r\n.\r\n");
    expect(s("a\n.b\nc\r\n")).toBe("a\r\n..b\r\nc\r\n.\r\n");
    expect(s("\n\n")).toBe("\r\n\r\n.\r\n");
  });
});
