import { createMailPath } from "@scripts-email/domain";
import { relayFor, startServer as startRelay } from "@scripts-email/harness/relay-servers";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { simpleParser } from "mailparser";
import { createTransport } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "../delivery/worker.ts";
import { longestLine } from "../mime/reencode-parts.ts";

// A PHP form's mail with a 2,000-octet line, through the real ingest, database and relay client.
let fx: IngestFixture;
let site: TestHosting;
let port: number;

beforeAll(async () => {
  fx = await createIngestFixture();
  site = await fx.addHosting("forms.example");
  ({ port } = await fx.startServer());
});

afterAll(async () => {
  await fx?.close();
});

const CRLF = "\r\n";
const html = `<table>${"<tr><td>Mensagem</td><td>Ol\u00e1, gostaria de um or\u00e7amento</td></tr>".repeat(40)}</table>`;

function send(raw: string) {
  const transport = createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    auth: { user: site.serviceName, pass: site.password },
  });
  return transport
    .sendMail({
      envelope: { from: "form@forms.example", to: ["visitor@dest.test"] },
      raw: Buffer.from(raw),
    })
    .finally(() => transport.close());
}

describe("lines over 998 octets", () => {
  it("are re-encoded at ingest, so neither the stored nor the relayed message has one", async () => {
    expect(Buffer.byteLength(html)).toBeGreaterThan(2000);
    const raw =
      `From: form@forms.example${CRLF}To: visitor@dest.test${CRLF}Subject: Contact${CRLF}` +
      `MIME-Version: 1.0${CRLF}Content-Type: text/html; charset=UTF-8${CRLF}` +
      `Content-Transfer-Encoding: 8bit${CRLF}${CRLF}${html}${CRLF}`;
    const info = await send(raw);
    expect(info.response).toMatch(/^250 /);
    const [stored] = await fx.db.prisma.message.findMany({ where: { hostingId: site.id } });
    const storedRaw = Buffer.from(stored!.raw!);
    expect(longestLine(storedRaw)).toBeLessThanOrEqual(998);
    expect(storedRaw.toString()).toContain("Content-Transfer-Encoding: quoted-printable");

    const relay = await startRelay();
    const delivery = createMailPath({ db: fx.db, clock: fx.clock }, fx.services).delivery;
    await createDeliveryWorker(delivery, relayFor(relay.url)).runOnce();
    expect(relay.received).toHaveLength(1);
    const relayed = relay.received[0]!.raw;
    expect(longestLine(relayed)).toBeLessThanOrEqual(998);
    expect((await simpleParser(relayed)).html).toBe(`${html}\n`);
  });

  it("are refused with a clear 5xx where they cannot be re-encoded (a part's header)", async () => {
    const raw = [
      "From: form@forms.example",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      `Content-Type: text/plain; name="${"n".repeat(1200)}"`,
      "",
      "text",
      "--b--",
      "",
    ].join(CRLF);
    await expect(send(raw)).rejects.toMatchObject({
      responseCode: 554,
      response: expect.stringMatching(/5\.6\.0 .*longer than 998 characters/),
    });
  });
});
