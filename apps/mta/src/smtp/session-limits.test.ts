import net from "node:net";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import { createIngestFixture } from "@scripts-email/harness/smtp-fixtures";
import { describe, expect, it } from "vitest";
import {
  AccountSessions,
  defaultMaxConnections,
  FD_RESERVE,
  type LimitEvent,
  openFileLimit,
  REFUSAL_SLOTS,
} from "./session-limits.ts";

// The SMTP ingest's session caps and timeouts, over a real SMTP conversation on loopback with
// the real ingest on PostgreSQL. Timeouts are the real socket timers, shortened to a fraction
// of a second (the library arms them on the socket: no clock to inject there).

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The next reply, or the close: what a client sees of a refused or cut session. */
async function lastWords(client: RawSmtpClient, timeoutMs = 5_000) {
  const reply = await client.read(timeoutMs);
  await until(() => client.closed, timeoutMs);
  return reply;
}

describe("session limits (unit)", () => {
  it("counts sessions per account, once each, and forgets them when they end", () => {
    const accounts = new AccountSessions(2);
    expect(accounts.admit("a", "s1")).toBe(true);
    expect(accounts.admit("a", "s1")).toBe(true);
    expect(accounts.admit("a", "s2")).toBe(true);
    expect(accounts.admit("a", "s3")).toBe(false);
    expect(accounts.admit("b", "s4")).toBe(true);
    accounts.release("s1");
    accounts.release("s1");
    accounts.release("never-admitted");
    expect(accounts.count("a")).toBe(1);
    expect(accounts.admit("a", "s3")).toBe(true);
    expect(accounts.size).toBe(3);
  });

  it("takes the default global cap from the open-files limit, leaving room for the rest", () => {
    expect(defaultMaxConnections(null)).toBe(1_000);
    expect(defaultMaxConnections(65_536)).toBe(1_000);
    expect(defaultMaxConnections(1_024)).toBe(1_024 - FD_RESERVE - REFUSAL_SLOTS);
    expect(defaultMaxConnections(256)).toBe(16);
    expect(openFileLimit("/nonexistent")).toBeNull();
    const limit = openFileLimit();
    if (limit !== null) expect(limit).toBeGreaterThan(0);
  });
});

describe("session limits over SMTP", () => {
  it("refuses a hosting's sessions past its cap with 421 4.7.0 while another hosting still gets in", async () => {
    const fx = await createIngestFixture();
    try {
      const busy = await fx.addHosting("busy.example");
      const calm = await fx.addHosting("calm.example");
      const events: LimitEvent[] = [];
      const { server, port } = await fx.startServer({
        limits: { maxConnectionsPerAccount: 3 },
        onLimit: (e) => events.push(e),
      });
      const held: RawSmtpClient[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await RawSmtpClient.connect(port);
        await c.login(busy.serviceName, busy.password);
        held.push(c);
      }
      const extra = await RawSmtpClient.connect(port);
      expect((await extra.read())?.code).toBe(220);
      await extra.command("EHLO client.test");
      const token = Buffer.from(`\0${busy.serviceName}\0${busy.password}`).toString("base64");
      extra.write(`AUTH PLAIN ${token}\r\n`);
      const refused = await lastWords(extra);
      expect(refused?.code).toBe(421);
      expect(refused?.lines.join(" ")).toMatch(/^4\.7\.0 Too many connections for this account/);
      expect(events).toEqual(["max_connections_per_account"]);

      // Another hosting is not affected, and sends mail.
      const other = await RawSmtpClient.connect(port);
      await other.login(calm.serviceName, calm.password);
      expect((await other.command("MAIL FROM:<site@calm.example>"))?.code).toBe(250);
      expect((await other.command("RCPT TO:<someone@dest.test>"))?.code).toBe(250);
      expect((await other.command("DATA"))?.code).toBe(354);
      other.write(`${rawMessage({ From: "site@calm.example", Subject: "calm" })}.\r\n`);
      expect((await other.read())?.code).toBe(250);
      other.close();

      // A session that ends gives its place back.
      held.pop()?.close();
      await until(() => server.load().sessions === 2);
      const again = await RawSmtpClient.connect(port);
      await again.login(busy.serviceName, busy.password);
      again.close();
      for (const c of held) c.close();
    } finally {
      await fx.close();
    }
  });

  it("refuses connections past the global cap with 421 4.7.0, and drops them at accept past the refusal slots", async () => {
    const fx = await createIngestFixture();
    try {
      const events: LimitEvent[] = [];
      const { port } = await fx.startServer({
        limits: { maxConnections: 4, evictUnauthenticatedAfterMs: 0 },
        onLimit: (e) => events.push(e),
      });
      const open: RawSmtpClient[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await RawSmtpClient.connect(port);
        expect((await c.read())?.code).toBe(220);
        open.push(c);
      }
      const extra = await RawSmtpClient.connect(port);
      const refused = await lastWords(extra);
      expect(refused?.code).toBe(421);
      expect(refused?.lines.join(" ")).toMatch(/^4\.7\.0 \S+ Too many connections to this server/);

      // Refused clients that keep their side open hold a descriptor for a few seconds; past
      // cap + REFUSAL_SLOTS of those, the listener closes new sockets as it accepts them.
      const lingering: net.Socket[] = [];
      for (let i = 0; i < REFUSAL_SLOTS + 10; i++) {
        const socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
        socket.on("error", () => undefined);
        lingering.push(socket);
      }
      await until(() => events.filter((e) => e === "connection_ceiling").length >= 5);
      expect(events.filter((e) => e === "max_connections").length).toBeGreaterThanOrEqual(
        REFUSAL_SLOTS - 4,
      );
      for (const s of lingering) s.destroy();
      for (const c of open) c.close();

      // Once they are gone, connections are greeted again.
      let greeted = false;
      for (let i = 0; i < 100 && !greeted; i++) {
        const c = await RawSmtpClient.connect(port);
        greeted = (await c.read().catch(() => null))?.code === 220;
        c.close();
        if (!greeted) await new Promise((r) => setTimeout(r, 50));
      }
      expect(greeted).toBe(true);
    } finally {
      await fx.close();
    }
  });

  it("at the cap, lets a newcomer take the place of an old session that never logged in, never of a logged-in one", async () => {
    const fx = await createIngestFixture();
    try {
      const site = await fx.addHosting("evict.example");
      const events: LimitEvent[] = [];
      const { port } = await fx.startServer({
        limits: { maxConnections: 2, evictUnauthenticatedAfterMs: 200 },
        onLimit: (e) => events.push(e),
      });
      const lurker = await RawSmtpClient.connect(port);
      expect((await lurker.read())?.code).toBe(220);
      const script = await RawSmtpClient.connect(port);
      await script.login(site.serviceName, site.password);
      await new Promise((r) => setTimeout(r, 300));

      const newcomer = await RawSmtpClient.connect(port);
      expect((await newcomer.read())?.code).toBe(220);
      const evicted = await lastWords(lurker);
      expect(evicted?.code).toBe(421);
      expect(evicted?.lines.join(" ")).toMatch(/^4\.7\.0 Too many connections/);
      expect((await script.command("NOOP"))?.code).toBe(250);

      // The newcomer is too young to give way, the script is logged in: the next is refused.
      const late = await RawSmtpClient.connect(port);
      expect((await lastWords(late))?.lines.join(" ")).toMatch(/^4\.7\.0 \S+ Too many connections/);
      expect(events).toEqual(["unauthenticated_evicted", "max_connections"]);
      newcomer.close();
      script.close();
    } finally {
      await fx.close();
    }
  });

  it("closes an idle session with 421 after the idle timeout", async () => {
    const fx = await createIngestFixture();
    try {
      const events: LimitEvent[] = [];
      const { port } = await fx.startServer({
        limits: { idleTimeoutMs: 300 },
        onLimit: (e) => events.push(e),
      });
      const client = await RawSmtpClient.connect(port);
      const started = Date.now();
      expect((await client.read())?.code).toBe(220);
      const cut = await lastWords(client);
      expect(cut?.code).toBe(421);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(events).toEqual(["idle_timeout"]);
    } finally {
      await fx.close();
    }
  });

  it("closes a session kept busy past the session timeout with 421 4.4.2, and gives its data's memory back", async () => {
    const fx = await createIngestFixture();
    try {
      const site = await fx.addHosting("trickle.example");
      const events: LimitEvent[] = [];
      const { server, port } = await fx.startServer({
        limits: { idleTimeoutMs: 5_000, sessionTimeoutMs: 800 },
        onLimit: (e) => events.push(e),
      });
      const client = await RawSmtpClient.connect(port);
      await client.login(site.serviceName, site.password);
      expect((await client.command("MAIL FROM:<site@trickle.example>"))?.code).toBe(250);
      expect((await client.command("RCPT TO:<someone@dest.test>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "slow" })}`);
      // A line every 50 ms keeps the idle timer from firing: only the session timeout ends it.
      const line = `${"x".repeat(10_000)}\r\n`;
      const timer = setInterval(() => client.write(line), 50);
      try {
        await until(() => server.load().dataBytesInMemory > 0);
        const cut = await lastWords(client, 5_000);
        expect(cut?.code).toBe(421);
        expect(cut?.lines.join(" ")).toMatch(/^4\.4\.2 Session open for more than 1 s/);
      } finally {
        clearInterval(timer);
      }
      expect(events).toEqual(["session_timeout"]);
      await until(() => server.load().dataBytesInMemory === 0 && server.load().sessions === 0);
      expect(await fx.db.prisma.message.count({ where: { hostingId: site.id } })).toBe(0);
    } finally {
      await fx.close();
    }
  });

  it("never cuts a session while its message is being committed: 250 first, then 421", async () => {
    const fx = await createIngestFixture();
    try {
      const site = await fx.addHosting("slowdb.example");
      let commitStarted = false;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const { port } = await fx.startServer(
        { limits: { idleTimeoutMs: 5_000, sessionTimeoutMs: 500 } },
        {
          accept: async (message) => {
            commitStarted = true;
            await gate;
            return fx.accept(message);
          },
        },
      );
      const client = await RawSmtpClient.connect(port);
      await client.login(site.serviceName, site.password);
      expect((await client.command("MAIL FROM:<site@slowdb.example>"))?.code).toBe(250);
      expect((await client.command("RCPT TO:<someone@dest.test>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(`${rawMessage({ Subject: "committed" })}.\r\n`);
      await until(() => commitStarted);
      // Well past the session timeout while the commit is in hand: no 421 yet.
      await new Promise((r) => setTimeout(r, 900));
      expect(client.closed).toBe(false);
      release();
      expect((await client.read())?.code).toBe(250);
      expect((await lastWords(client))?.code).toBe(421);
      expect(await fx.db.prisma.message.count({ where: { hostingId: site.id } })).toBe(1);
    } finally {
      await fx.close();
    }
  });
});
