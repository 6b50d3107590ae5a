import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { TEST_TLS } from "@scripts-email/harness/smtp-tls";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { dotStuffed, extensions, ReplyParser } from "./smtp-reply.ts";
import { type SmtpError, SmtpSubmitClient } from "./smtp-submit-client.ts";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe("ReplyParser", () => {
  it("joins a multi-line reply, even split across chunks, and ends it at 'ddd ' or a bare code", () => {
    const parser = new ReplyParser();
    expect(parser.push("250-mx.example greets you\r\n250-PIPE")).toEqual([]);
    expect(parser.push("LINING\r\n250 AUTH PLAIN LOGIN\r\n354")).toEqual([
      {
        code: 250,
        lines: ["250-mx.example greets you", "250-PIPELINING", "250 AUTH PLAIN LOGIN"],
      },
    ]);
    expect(parser.push("\r\n221 bye\n")).toEqual([
      { code: 354, lines: ["354"] },
      { code: 221, lines: ["221 bye"] },
    ]);
  });

  it("refuses what is not an SMTP reply, and a continuation under another code", () => {
    expect(() => new ReplyParser().push("HTTP/1.1 400 Bad Request\r\n")).toThrow(/not an SMTP/);
    expect(() => new ReplyParser().push("250-a\r\n251 b\r\n")).toThrow(/not an SMTP/);
    expect(() => new ReplyParser().push("x".repeat(70_000))).toThrow(/too long/);
  });

  it("reads the EHLO keywords and their parameters", () => {
    const [reply] = new ReplyParser().push("250-mx\r\n250-SIZE 1000\r\n250 auth plain LOGIN\r\n");
    expect([...extensions(reply!)]).toEqual([
      ["SIZE", ["1000"]],
      ["AUTH", ["PLAIN", "LOGIN"]],
    ]);
  });
});

describe("dotStuffed", () => {
  it("doubles a leading dot on every line and ends the data with CRLF . CRLF", () => {
    const raw = Buffer.from(".first\r\nmid.dle\r\n.\r\n..two\r\nno end");
    expect(dotStuffed(raw).toString()).toBe(
      "..first\r\nmid.dle\r\n..\r\n...two\r\nno end\r\n.\r\n",
    );
    expect(dotStuffed(Buffer.from("a\r\n")).toString()).toBe("a\r\n.\r\n");
    // bytes pass as they are (8-bit bodies)
    expect(dotStuffed(Buffer.from([0xe9, 0x0d, 0x0a]))).toEqual(
      Buffer.from([0xe9, 13, 10, 46, 13, 10]),
    );
  });
});

async function listen(server: Server | SMTPServer): Promise<number> {
  const net = server instanceof SMTPServer ? server.server : server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve(undefined))));
  return (net.address() as AddressInfo).port;
}

/** A real smtp-server that records AUTH attempts and the messages it took. */
async function smtpServer(options: SMTPServerOptions = {}) {
  const seen = { auth: 0, secure: false, messages: [] as string[] };
  const server = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    onAuth: (auth, session, callback) => {
      seen.auth++;
      seen.secure = session.secure;
      if (auth.username === "u" && auth.password === "p") callback(null, { user: "u" });
      else callback(Object.assign(new Error("5.7.8 no"), { responseCode: 535 }));
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        seen.messages.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
    ...options,
  });
  return { seen, port: await listen(server) };
}

/** A server that plays `script`: each received line gets the reply the script gives, if any. */
async function scripted(greeting: string | null, script: (line: string, all: string[]) => string) {
  const lines: string[] = [];
  const server = createServer((socket: Socket) => {
    if (greeting) socket.write(greeting);
    let pending = "";
    socket.on("data", (data) => {
      pending += data.toString();
      for (let end = pending.indexOf("\r\n"); end !== -1; end = pending.indexOf("\r\n")) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        lines.push(line);
        const reply = script(line, lines);
        if (reply) socket.write(reply);
      }
    });
    socket.on("error", () => undefined);
  });
  return { lines, port: await listen(server) };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: SmtpError) => error,
  );

describe("SmtpSubmitClient", () => {
  it("submits with AUTH PLAIN, dot-stuffed, and hands back the final reply", async () => {
    const { seen, port } = await smtpServer();
    const client = await SmtpSubmitClient.connect({ host: "127.0.0.1", port, requireTls: false });
    await client.login("u", "p");
    const raw = Buffer.from("Subject: s\r\n\r\n.\r\n.leading\r\nend");
    const result = await client.send("a@x.example", ["b@y.example"], raw);
    await client.quit();
    expect(result).toMatchObject({ accepted: ["b@y.example"], refused: [] });
    expect(result.response).toMatch(/^250 /);
    expect(seen).toMatchObject({ auth: 1, secure: false });
    expect(seen.messages).toEqual(["Subject: s\r\n\r\n.\r\n.leading\r\nend\r\n"]);
  });

  it("pipelines MAIL, RCPT and DATA when offered: one round trip before the data", async () => {
    // This server answers nothing of the envelope until DATA arrives: a client that waited for
    // each reply would hang here.
    let envelope: string[] = [];
    const server = await scripted("220 pipe\r\n", (line) => {
      if (line.startsWith("EHLO")) return "250-pipe\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n";
      if (line.startsWith("AUTH")) return "235 ok\r\n";
      if (line.startsWith("MAIL") || line.startsWith("RCPT")) envelope.push(line);
      if (line === "DATA") {
        const replies = envelope.map((l) =>
          l.includes("<no@") ? "550 5.1.1 no\r\n" : "250 ok\r\n",
        );
        envelope = [];
        return `${replies.join("")}354 go\r\n`;
      }
      if (line === ".") return "250 2.0.0 queued\r\n";
      if (line === "QUIT") return "221 bye\r\n";
      return "";
    });
    const client = await SmtpSubmitClient.connect({
      host: "127.0.0.1",
      port: server.port,
      requireTls: false,
      socketTimeout: 2_000,
    });
    await client.login("u", "p");
    const result = await client.send(
      "a@x.example",
      ["b@y.example", "no@y.example"],
      Buffer.from("x"),
    );
    await client.quit();
    expect(result).toEqual({
      accepted: ["b@y.example"],
      refused: [{ recipient: "no@y.example", code: 550, reply: "550 5.1.1 no" }],
      response: "250 2.0.0 queued",
    });
    expect(server.lines.slice(-4)).toEqual(["DATA", "x", ".", "QUIT"]);
  });

  it("throws EENVELOPE with every refusal when no recipient was taken, EAUTH on a bad password", async () => {
    const { port } = await smtpServer({
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error("4.2.1 later"), { responseCode: 450 })),
    });
    const client = await SmtpSubmitClient.connect({ host: "127.0.0.1", port, requireTls: false });
    expect(await failure(client.login("u", "wrong"))).toMatchObject({
      code: "EAUTH",
      responseCode: 535,
    });
    await client.login("u", "p");
    const error = await failure(client.send("a@x.example", ["b@y.example"], Buffer.from("x")));
    expect(error).toMatchObject({
      code: "EENVELOPE",
      command: "RCPT TO",
      refused: [{ recipient: "b@y.example", code: 450, reply: "450 4.2.1 later" }],
    });
    await client.quit();
  });

  it("times out on a server that never greets, and on one that stops answering", async () => {
    const silent = await scripted(null, () => "");
    const started = Date.now();
    const greeting = await failure(
      SmtpSubmitClient.connect({
        host: "127.0.0.1",
        port: silent.port,
        requireTls: false,
        greetingTimeout: 200,
      }),
    );
    expect(greeting).toMatchObject({ code: "ETIMEDOUT", message: /the greeting/ });
    expect(Date.now() - started).toBeLessThan(5_000);
    const mute = await scripted("220 hi\r\n", (line) =>
      line.startsWith("EHLO") ? "250 hi\r\n" : "",
    );
    const client = await SmtpSubmitClient.connect({
      host: "127.0.0.1",
      port: mute.port,
      requireTls: false,
      socketTimeout: 200,
    });
    expect(await failure(client.login("u", "p"))).toMatchObject({ code: "ETIMEDOUT" });
    client.close();
  });

  it("reports a refused connection as ESOCKET and a garbled reply as EPROTOCOL", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    closers.pop();
    const refused = await failure(
      SmtpSubmitClient.connect({ host: "127.0.0.1", port, requireTls: false }),
    );
    expect(refused).toMatchObject({ code: "ESOCKET", message: /ECONNREFUSED/ });
    const http = await scripted("HTTP/1.1 400 Bad Request\r\n", () => "");
    const garbled = await failure(
      SmtpSubmitClient.connect({ host: "127.0.0.1", port: http.port, requireTls: false }),
    );
    expect(garbled).toMatchObject({ code: "EPROTOCOL", message: /not an SMTP reply/ });
  });

  it("with TLS required, never sends AUTH without STARTTLS or over an unverified certificate", async () => {
    const plain = await smtpServer();
    const noTls = await failure(
      SmtpSubmitClient.connect({ host: "127.0.0.1", port: plain.port, requireTls: true }),
    );
    expect(noTls).toMatchObject({ code: "ETLS", message: /does not offer STARTTLS/ });

    const tls = await smtpServer({ disabledCommands: [], ...TEST_TLS });
    const untrusted = await failure(
      SmtpSubmitClient.connect({ host: "127.0.0.1", port: tls.port, requireTls: true }),
    );
    expect(untrusted).toMatchObject({ code: "ETLS", message: /self-signed|certificate/i });
    expect(plain.seen.auth + tls.seen.auth).toBe(0);

    // with the certificate trusted, the same server takes the password and the message
    const client = await SmtpSubmitClient.connect({
      host: "127.0.0.1",
      port: tls.port,
      requireTls: true,
      ca: TEST_TLS.cert,
    });
    await client.login("u", "p");
    await client.send("a@x.example", ["b@y.example"], Buffer.from("Subject: tls\r\n\r\nx\r\n"));
    await client.quit();
    expect(tls.seen).toMatchObject({ auth: 1, secure: true });
    expect(tls.seen.messages).toHaveLength(1);
  });
});
