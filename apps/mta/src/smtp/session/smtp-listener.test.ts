import type { Socket } from "node:net";
import { RawSmtpClient } from "@scripts-email/harness/smtp-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_SESSION_LIMITS } from "../session-limits.ts";
import { smtpError } from "./smtp-error.ts";
import { SmtpListener } from "./smtp-listener.ts";

// The lean SMTP session on its own, with hooks that answer at once, and every write the server
// makes to a client socket recorded as it reaches the socket's handle.
let server: SmtpListener<string>;
let port: number;
const writes: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  server = new SmtpListener<string>({
    name: "mx.test",
    size: 1000,
    maxRecipients: 2,
    limits: DEFAULT_SESSION_LIMITS,
    closeTimeoutMs: 500,
    accountOf: (user) => user,
    hooks: {
      auth: async (user, pass) => {
        if (pass === "right") return user;
        throw smtpError(535, "Authentication credentials invalid");
      },
      mailFrom: () => null,
      rcptTo: (address) =>
        address.startsWith("later")
          ? Promise.resolve(null)
          : address.startsWith("no")
            ? smtpError(550, "No")
            : null,
      data(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (stream.sizeExceeded) return done(smtpError(552, "Too big"));
          bodies.push(Buffer.concat(chunks).toString("latin1"));
          done(null, "Queued");
        });
      },
    },
  });
  server.server.prependListener("connection", (socket: Socket) => {
    const generic = socket as unknown as {
      _writeGeneric(writev: boolean, data: unknown, encoding: string, cb: unknown): void;
    };
    const original = generic._writeGeneric.bind(socket);
    generic._writeGeneric = (writev, data, encoding, cb) => {
      const chunks = writev ? (data as { chunk: Buffer | string }[]).map((c) => c.chunk) : [data];
      writes.push(chunks.map((c) => String(c)).join(""));
      original(writev, data, encoding, cb);
    };
  });
  port = await server.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await server.close();
});

async function loggedIn(): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect(port);
  expect((await client.read())?.code).toBe(220);
  expect((await client.command("EHLO client.test"))?.code).toBe(250);
  const token = Buffer.from("\0site\0right").toString("base64");
  expect((await client.command(`AUTH PLAIN ${token}`))?.code).toBe(235);
  return client;
}

it("answers a pipelined MAIL, RCPT and DATA in one write, bytes and order unchanged", async () => {
  const client = await loggedIn();
  try {
    writes.length = 0;
    client.write("MAIL FROM:<web@site.test>\r\nRCPT TO:<later@dest.test>\r\nDATA\r\n");
    const replies = [await client.read(), await client.read(), await client.read()];
    expect(replies.map((r) => r?.code)).toEqual([250, 250, 354]);
    expect(writes).toEqual([
      "250 Accepted\r\n250 Accepted\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
    ]);
    client.write("Subject: one\r\n\r\nHello.\r\n..dot\r\n.\r\n");
    expect(await client.read()).toEqual({ code: 250, lines: ["Queued"] });
    expect(bodies.at(-1)).toBe("Subject: one\r\n\r\nHello.\r\n.dot\r\n");
    expect(await client.command("QUIT")).toEqual({ code: 221, lines: ["Bye"] });
    expect(await client.read()).toBeNull(); // and the server closes the connection
  } finally {
    client.close();
  }
});

it("finds the end of the data however the packets split it", async () => {
  const client = await loggedIn();
  try {
    const body = "Subject: split\r\n\r\n..a\r\nb\n.\nc\r\n";
    const wire = `${body.replace(/^\.\./m, "...")}.\r\nNOOP\r\n`;
    for (const cut of [1, 3, wire.length - 6, wire.length - 3]) {
      await client.command("MAIL FROM:<web@site.test>");
      await client.command("RCPT TO:<a@dest.test>");
      expect((await client.command("DATA"))?.code).toBe(354);
      client.write(wire.slice(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      client.write(wire.slice(cut));
      expect((await client.read())?.code).toBe(250);
      expect((await client.read())?.code).toBe(250);
      expect(bodies.at(-1)).toBe("Subject: split\r\n\r\n..a\r\nb\n.\nc\r\n");
    }
  } finally {
    client.close();
  }
});

it("logs in with AUTH LOGIN, refuses a second AUTH, and answers refusals and limits", async () => {
  const client = await RawSmtpClient.connect(port);
  try {
    await client.read();
    await client.command("EHLO client.test");
    expect(await client.command("AUTH LOGIN")).toEqual({ code: 334, lines: ["VXNlcm5hbWU6"] });
    expect((await client.command(Buffer.from("site").toString("base64")))?.code).toBe(334);
    expect((await client.command(Buffer.from("wrong").toString("base64")))?.code).toBe(535);
    expect((await client.command("AUTH LOGIN"))?.code).toBe(334);
    expect((await client.command("*"))?.code).toBe(501);
    expect(
      (await client.command(`AUTH LOGIN ${Buffer.from("site").toString("base64")}`))?.code,
    ).toBe(334);
    expect((await client.command(Buffer.from("right").toString("base64")))?.code).toBe(235);
    expect((await client.command("AUTH PLAIN"))?.code).toBe(503);
    expect((await client.command("MAIL FROM:<a@site.test> SIZE=2000"))?.code).toBe(552);
    expect((await client.command("MAIL FROM:<a@site.test> SIZE=20"))?.code).toBe(250);
    expect((await client.command("MAIL FROM:<a@site.test>"))?.code).toBe(503);
    expect((await client.command("RCPT TO:<no@dest.test>"))?.code).toBe(550);
    expect((await client.command("RCPT TO:<a@dest.test>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<b@dest.test>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<c@dest.test>"))?.code).toBe(452);
    expect((await client.command("VRFY a@dest.test"))?.code).toBe(502);
    expect((await client.command("DATA"))?.code).toBe(354);
    client.write(`${"x".repeat(1200)}\r\n.\r\n`);
    expect((await client.read())?.code).toBe(552);
    expect((await client.command("RSET"))?.code).toBe(250);
  } finally {
    client.close();
  }
});

it("survives a client that goes away inside DATA, even when the hook does not listen for errors", async () => {
  const client = await loggedIn();
  await client.command("MAIL FROM:<web@site.test>");
  await client.command("RCPT TO:<a@dest.test>");
  expect((await client.command("DATA"))?.code).toBe(354);
  client.write("Subject: cut\r\n\r\nhalf a bo");
  client.close();
  await new Promise((r) => setTimeout(r, 100));
  const next = await loggedIn();
  expect((await next.command("NOOP"))?.code).toBe(250);
  next.close();
});
