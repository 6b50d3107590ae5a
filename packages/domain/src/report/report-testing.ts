// Helpers for the report and alert tests: real mail through the real path, and a small MIME reader.
import { parseHeaders } from "../message/message-headers.ts";
import { decodeWords } from "../queue/raw-message.ts";
import type { Services } from "../services.ts";

export interface Failure {
  to: string;
  code: number | null;
  text: string;
  outcome?: "failed" | "deferred";
}

/**
 * Accepts one message of the hosting for these recipients and records their delivery results at
 * the clock's time through the delivery service, as the worker does. Any other due mail (reports,
 * alerts) is delivered in the same round.
 */
export async function deliverWithFailures(
  services: Services,
  hostingId: string,
  failures: Failure[],
): Promise<void> {
  await services.mail.ingest.accept({
    hostingId,
    envelopeFrom: "site@example.org",
    recipients: failures.map((f) => f.to),
    raw: Buffer.from("From: site@example.org\r\nSubject: Contact form\r\n\r\nHello.\r\n"),
    source: "sendmail",
  });
  await deliverDue(services, failures);
}

/** Claims everything due and delivers it, except the listed recipients, which fail or defer. */
export async function deliverDue(services: Services, failures: Failure[] = []): Promise<number> {
  const jobs = await services.mail.delivery.claim(1000);
  await services.mail.delivery.complete(
    jobs.map((job) => ({
      job,
      recipients: job.recipients.map((recipient) => {
        const f = failures.find((x) => x.to === recipient);
        return f
          ? { recipient, outcome: f.outcome ?? "failed", code: f.code, text: f.text }
          : { recipient, outcome: "delivered" as const, code: 250, text: "2.0.0 OK" };
      }),
    })),
  );
  return jobs.length;
}

export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  contentType: string;
  /** Decoded parts by content type (text/plain, text/html); the body itself for a single part. */
  parts: Map<string, string>;
}

function decodePart(headers: Map<string, string>, body: string): string {
  return headers.get("content-transfer-encoding")?.toLowerCase() === "base64"
    ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
    : body;
}

function split(block: string): { headers: Map<string, string>; body: string } {
  const end = block.indexOf("\r\n\r\n");
  const head = end === -1 ? block : block.slice(0, end);
  const headers = new Map(
    parseHeaders(Buffer.from(`${head}\r\n\r\n`)).map((h) => [h.name.toLowerCase(), h.value]),
  );
  return { headers, body: end === -1 ? "" : block.slice(end + 4) };
}

/** Enough MIME to check what the product sends: one level of multipart, base64 or 8bit. */
export function parseMail(raw: Buffer | Uint8Array): ParsedMail {
  const { headers, body } = split(Buffer.from(raw).toString("utf8"));
  const contentType = headers.get("content-type") ?? "text/plain";
  const parts = new Map<string, string>();
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  if (boundary) {
    const chunks = body.split(`--${boundary}`).slice(1, -1);
    for (const chunk of chunks) {
      const part = split(chunk.replace(/^\r\n/, ""));
      const type = (part.headers.get("content-type") ?? "text/plain").split(";")[0]!.trim();
      parts.set(type, decodePart(part.headers, part.body.replace(/\r\n$/, "")));
    }
  } else {
    parts.set(contentType.split(";")[0]!.trim(), decodePart(headers, body));
  }
  return {
    headers,
    subject: decodeWords(headers.get("subject") ?? ""),
    contentType,
    parts,
  };
}
