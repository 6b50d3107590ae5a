import { expect, it } from "vitest";
import { ordinary, startScripted } from "./relay-servers.ts";
import { runSmtpLoad } from "./smtp-load.ts";

// The one SMTP load generator serves the tests and chaos scenarios (one session per client,
// step by step, AUTH) and `pnpm bench` (smtp-source's ways: a connection per message, pipelined
// envelope, no AUTH). Checked here against a scripted server that keeps what it was sent.

const withAuth = (line: string) => (line.startsWith("AUTH ") ? "235 ok" : ordinary(line));

it("sends a session's messages one command at a time after AUTH PLAIN, on one connection", async () => {
  const server = await startScripted(withAuth);
  const submissions = await runSmtpLoad({
    port: server.port,
    user: "site.test",
    password: "secret",
    messages: 3,
    clients: 1,
    subject: (i) => `step ${i}`,
  });
  expect(submissions.map((s) => s.outcome)).toEqual(Array(3).fill({ kind: "accepted", code: 250 }));
  expect(server.connections()).toBe(1);
  const token = Buffer.from("\0site.test\0secret").toString("base64");
  expect(server.chunks).toContain(`AUTH PLAIN ${token}\r\n`);
  expect(server.chunks).toContain("MAIL FROM:<site@site.test>\r\n");
  expect(server.chunks.some((c) => c.includes("RCPT") && c.includes("MAIL"))).toBe(false);
  expect(server.contents[0]).toContain("Subject: step 0\r\n");
});

it("pipelines the envelope when offered and connects again for each message, without AUTH", async () => {
  const server = await startScripted((line) => ordinary(line));
  const submissions = await runSmtpLoad({
    port: server.port,
    messages: 3,
    clients: 1,
    from: "sender@bench.invalid",
    recipient: () => "rcpt@bench.invalid",
    message: (i) => `Subject: custom ${i}\r\n\r\nBody.\r\n`,
    connectionPerMessage: true,
    pipelining: true,
  });
  expect(submissions.every((s) => s.outcome.kind === "accepted" && s.ms > 0)).toBe(true);
  expect(server.connections()).toBe(3);
  expect(server.chunks).toContain(
    "MAIL FROM:<sender@bench.invalid>\r\nRCPT TO:<rcpt@bench.invalid>\r\nDATA\r\n",
  );
  expect(server.chunks.some((c) => c.startsWith("AUTH"))).toBe(false);
  expect(server.contents).toEqual([0, 1, 2].map((i) => `Subject: custom ${i}\r\n\r\nBody.\r\n`));
});

it("tells a pipelined refusal at its own stage, and stops taking messages past maxFailures", async () => {
  const server = await startScripted((line) =>
    line.startsWith("RCPT")
      ? "451 try later"
      : line === "DATA"
        ? "503 no recipients"
        : ordinary(line),
  );
  const submissions = await runSmtpLoad({
    port: server.port,
    messages: 10,
    clients: 1,
    pipelining: true,
    maxFailures: 1,
    backoffMs: 0,
  });
  expect(submissions.map((s) => s.outcome)).toEqual(
    Array(2).fill({ kind: "refused", code: 451, stage: "rcpt", text: "try later" }),
  );
});

it("takes no message once the deadline has passed", async () => {
  const server = await startScripted((line) => ordinary(line));
  const submissions = await runSmtpLoad({
    port: server.port,
    messages: 5,
    clients: 2,
    deadline: Date.now() - 1,
  });
  expect(submissions).toEqual([]);
  expect(server.connections()).toBe(0);
});
