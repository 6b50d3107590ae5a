import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import {
  cleanups,
  job,
  ordinary,
  relayFor,
  smtpError,
  startScripted,
  startServer,
} from "@scripts-email/harness/relay-servers";
import { TEST_TLS } from "@scripts-email/harness/smtp-tls";
import type { SMTPServerOptions } from "smtp-server";
import { describe, expect, it } from "vitest";
import { isLoopback, parseRelayUrl, relayUrlProblem } from "./relay-tls.ts";

const folder = mkdtempSync(path.join(os.tmpdir(), "relay-tls-"));
const CA_FILE = path.join(folder, "ca.pem");
writeFileSync(CA_FILE, TEST_TLS.cert);
const NOT_PEM = path.join(folder, "not.pem");
writeFileSync(NOT_PEM, "hello");

describe("SMTP_RELAY_URL's TLS policy", () => {
  it("defaults to required with credentials to a remote relay, opportunistic otherwise", () => {
    expect(parseRelayUrl("smtp://u:p@relay.example:587")).toMatchObject({
      host: "relay.example",
      port: 587,
      secure: false,
      tls: "required",
      user: "u",
      pass: "p",
    });
    expect(parseRelayUrl("smtp://relay.example").tls).toBe("opportunistic");
    expect(parseRelayUrl("smtp://u:p@127.0.0.1:25").tls).toBe("opportunistic");
    expect(parseRelayUrl("smtp://u:p@[::1]:25")).toMatchObject({
      host: "::1",
      tls: "opportunistic",
    });
    expect(parseRelayUrl("smtps://u:p@relay.example")).toMatchObject({ port: 465, secure: true });
    expect(parseRelayUrl("smtp://relay.example?tls=none").tls).toBe("none");
    expect(parseRelayUrl(`smtp://relay.example?tls=required&ca=${CA_FILE}`).ca?.toString()).toBe(
      TEST_TLS.cert,
    );
  });

  it.each([
    ["smtp://relay.example?tls=insecure", /tls=insecure is not a TLS policy.*ca=/],
    ["smtps://relay.example?tls=none", /contradicts/],
    ["smtp://u:p@relay.example?tls=none", /password in clear to relay\.example/],
    [`smtp://relay.example?ca=${folder}/missing.pem`, /cannot be read/],
    [`smtp://relay.example?ca=${NOT_PEM}`, /holds no PEM certificate/],
    ["http://relay.example", /must be a URL like smtp:/],
  ])("refuses %s with a text an operator can act on", (url, problem) => {
    expect(relayUrlProblem(url)).toMatch(problem);
  });

  it("knows loopback addresses", () => {
    for (const host of [
      "127.0.0.1",
      "127.9.9.9",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
      "localhost",
    ]) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of ["10.0.0.1", "relay.example", "::ffff:10.0.0.1", "128.0.0.1", ""]) {
      expect(isLoopback(host)).toBe(false);
    }
  });
});

describe("SMTP relay authentication and TLS", () => {
  const onAuth: SMTPServerOptions["onAuth"] = (auth, _session, callback) => {
    if (auth.username === "relay user" && auth.password === "p@ss:w/rd")
      return callback(null, { user: auth.username });
    callback(smtpError(535, "Authentication failed"));
  };
  const credentials = `${encodeURIComponent("relay user")}:${encodeURIComponent("p@ss:w/rd")}`;

  it.each([["PLAIN"], ["LOGIN"]])(
    "logs in with AUTH %s in clear only to a loopback relay",
    async (method) => {
      const server = await startServer({
        authOptional: false,
        allowInsecureAuth: true,
        authMethods: [method],
        onAuth,
      });
      const relay = relayFor(`smtp://${credentials}@127.0.0.1:${server.port}`);
      expect((await relay.deliver(job(["a@dest.test"])))[0]!.outcome).toBe("delivered");
      expect(server.received[0]!.user).toBe("relay user");
    },
  );

  it("defers (kind relay) when authentication is refused or required and not given", async () => {
    const server = await startServer({ authOptional: false, allowInsecureAuth: true, onAuth });
    let results = await relayFor(`smtp://relay%20user:wrong@127.0.0.1:${server.port}`).deliver(
      job(["a@dest.test"]),
    );
    expect(results[0]).toMatchObject({ outcome: "deferred", code: 535, kind: "relay" });
    results = await relayFor(server.url).deliver(job(["a@dest.test"]));
    // smtp-server answers MAIL without AUTH "530 5.7.0 Authentication Required": the relay's
    // configuration, never the recipient's nor a reason to lose the mail
    expect(results[0]).toMatchObject({ outcome: "deferred", code: 530, kind: "relay" });
    expect(server.received).toHaveLength(0);
  });

  it("upgrades with STARTTLS to a relay whose certificate the ca= file vouches for", async () => {
    const server = await startServer({
      ...TEST_TLS,
      disabledCommands: [],
      authOptional: false,
      onAuth,
    });
    const relay = relayFor(`smtp://${credentials}@127.0.0.1:${server.port}?ca=${CA_FILE}`);
    const raw = Buffer.from("Subject: tls\r\n\r\n.hidden dot\r\n");
    expect((await relay.deliver(job(["a@dest.test"], raw)))[0]!.outcome).toBe("delivered");
    expect((await relay.deliver(job(["b@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.received.map((r) => [r.secure, r.user])).toEqual([
      [true, "relay user"],
      [true, "relay user"],
    ]);
    expect(server.received[0]!.raw.equals(raw)).toBe(true);
    expect(server.connections).toBe(1);
  });

  it("refuses a self-signed certificate without its ca= file (deferred, nothing sent)", async () => {
    const server = await startServer({ ...TEST_TLS, disabledCommands: [] });
    const results = await relayFor(server.url).deliver(job(["a@dest.test"]));
    expect(results[0]).toMatchObject({ outcome: "deferred", code: null, kind: "relay" });
    expect(results[0]!.text).toMatch(/^ETLS: /);
    const secure = await startServer({ ...TEST_TLS, secure: true });
    const direct = await relayFor(`smtps://127.0.0.1:${secure.port}`).deliver(job(["a@dest.test"]));
    expect(direct[0]).toMatchObject({ outcome: "deferred", code: null });
    expect(direct[0]!.text).toMatch(/^ETLS: .*self.signed/);
    expect(server.received).toHaveLength(0);
    expect(secure.received).toHaveLength(0);
  });

  it("speaks TLS from the first byte over smtps://", async () => {
    const server = await startServer({ ...TEST_TLS, secure: true });
    const relay = relayFor(`smtps://127.0.0.1:${server.port}?ca=${CA_FILE}`);
    expect((await relay.deliver(job(["a@dest.test"])))[0]!.outcome).toBe("delivered");
    expect(server.received[0]!.secure).toBe(true);
  });

  it("checks the certificate against the relay's address, even one the CA vouches for", async () => {
    // The test certificate names localhost and 127.0.0.1, not 127.0.0.2.
    const server = tls.createServer(TEST_TLS, (socket) => {
      socket.on("error", () => undefined);
      socket.write("220 impostor ESMTP\r\n");
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const results = await relayFor(`smtps://127.0.0.2:${port}?ca=${CA_FILE}`).deliver(
      job(["a@dest.test"]),
    );
    expect(results[0]).toMatchObject({ outcome: "deferred", kind: "relay" });
    expect(results[0]!.text).toMatch(/^ETLS: .*127\.0\.0\.2/);
  });

  it("with tls=required, a relay without STARTTLS gets no AUTH and no mail (deferred)", async () => {
    const server = await startScripted((line) => ordinary(line, ["PIPELINING", "AUTH PLAIN"]));
    for (const url of [
      `smtp://${credentials}@127.0.0.1:${server.port}?tls=required`,
      `smtp://127.0.0.1:${server.port}?tls=required`,
    ]) {
      const results = await relayFor(url).deliver(job(["a@dest.test", "b@dest.test"]));
      expect(results.map((r) => [r.outcome, r.kind])).toEqual([
        ["deferred", "relay"],
        ["deferred", "relay"],
      ]);
      expect(results[0]!.text).toMatch(/did not offer STARTTLS.*tls=required/);
    }
    expect(server.chunks.join("")).not.toMatch(/AUTH|MAIL FROM/);
  });

  it("with tls=none, never starts TLS even when offered", async () => {
    const server = await startScripted((line) =>
      line === "STARTTLS" ? "454 not now" : ordinary(line, ["STARTTLS"]),
    );
    const results = await relayFor(`${server.url}?tls=none`).deliver(job(["a@dest.test"]));
    expect(results[0]!.outcome).toBe("delivered");
    expect(server.chunks.join("")).not.toContain("STARTTLS");
  });

  const remote = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

  it.skipIf(!remote)(
    "never sends a password in clear to a relay off loopback, whatever the policy (STARTTLS stripped)",
    async () => {
      const chunks: string[] = [];
      const server = net.createServer((socket) => {
        socket.on("error", () => undefined);
        socket.write("220 stripped ESMTP\r\n");
        socket.on("data", (d: Buffer) => {
          chunks.push(d.toString("latin1"));
          const line = d.toString("latin1").trim();
          if (line.startsWith("EHLO")) socket.write("250-stripped\r\n250 AUTH PLAIN LOGIN\r\n");
          else if (line === "QUIT") socket.end("221 bye\r\n");
          else socket.write("250 ok\r\n");
        });
      });
      await new Promise<void>((resolve) => server.listen(0, remote, () => resolve()));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const port = (server.address() as net.AddressInfo).port;
      for (const policy of ["", "?tls=opportunistic"]) {
        const results = await relayFor(`smtp://${credentials}@${remote}:${port}${policy}`).deliver(
          job(["a@dest.test"]),
        );
        expect(results[0]).toMatchObject({ outcome: "deferred", code: null, kind: "relay" });
        expect(results[0]!.text).toMatch(
          policy ? /Not authenticating to the relay in clear text/ : /tls=required/,
        );
      }
      expect(chunks.join("")).not.toMatch(/AUTH|MAIL FROM/);
    },
  );
});
