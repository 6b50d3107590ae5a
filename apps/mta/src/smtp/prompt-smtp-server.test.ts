import type { AddressInfo, Socket } from "node:net";
import { RawSmtpClient } from "@scripts-email/harness/smtp-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PromptSmtpServer } from "./prompt-smtp-server.ts";

// The library's own server with our connection class, handlers that answer at once, and every
// write the server makes to a client socket recorded as it reaches the socket's handle.
let server: PromptSmtpServer;
let port: number;
const ids: string[] = [];
const writes: string[] = [];

beforeAll(async () => {
  server = new PromptSmtpServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    onConnect(session, callback) {
      ids.push(session.id);
      callback();
    },
    onMailFrom: (_address, _session, callback) => callback(),
    onRcptTo: (_address, _session, callback) => callback(),
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () => callback(null, "Queued"));
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it("answers a pipelined MAIL, RCPT and DATA in one write, bytes and order unchanged", async () => {
  const client = await RawSmtpClient.connect(port);
  try {
    expect((await client.read())?.code).toBe(220);
    expect((await client.command("EHLO client.test"))?.code).toBe(250);
    writes.length = 0;
    client.write("MAIL FROM:<web@site.test>\r\nRCPT TO:<someone@dest.test>\r\nDATA\r\n");
    const replies = [await client.read(), await client.read(), await client.read()];
    expect(replies.map((r) => r?.code)).toEqual([250, 250, 354]);
    expect(writes).toEqual([
      "250 Accepted\r\n250 Accepted\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
    ]);
    client.write("Subject: one\r\n\r\nHello.\r\n.\r\n");
    expect(await client.read()).toEqual({ code: 250, lines: ["Queued"] });
    expect(await client.command("QUIT")).toEqual({ code: 221, lines: ["Bye"] });
    expect(await client.read()).toBeNull(); // and the server closes the connection
  } finally {
    client.close();
  }
});

it("gives every session an id of its own, in the library's 16-character form", async () => {
  ids.length = 0;
  for (let i = 0; i < 3; i++) {
    const client = await RawSmtpClient.connect(port);
    expect((await client.read())?.code).toBe(220);
    client.close();
  }
  expect(ids).toHaveLength(3);
  expect(new Set(ids).size).toBe(3);
  for (const id of ids) expect(id).toMatch(/^[0-9a-v]{16}$/);
});
