import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Relay } from "./relay.ts";

/**
 * Without an upstream relay (the embedded default) delivered mail is written as `.eml` files,
 * one folder per hosting, so the product works on a laptop without sending anything.
 */
export function createFileCapture(folder: string): Relay {
  return {
    mode: "capture",
    async deliver(job) {
      const dir = path.join(folder, job.serviceName.replace(/[^a-z0-9.-]/gi, "_"));
      await mkdir(dir, { recursive: true });
      const envelope = `X-Envelope-From: <${job.envelopeFrom}>\r\nX-Envelope-To: ${job.recipients.map((r) => `<${r}>`).join(", ")}\r\n`;
      await writeFile(
        path.join(dir, `${job.id}.eml`),
        Buffer.concat([Buffer.from(envelope), job.raw]),
      );
      return job.recipients.map((recipient) => ({
        recipient,
        outcome: "delivered" as const,
        code: 250,
        text: `captured in ${dir}`,
      }));
    },
    async close() {},
  };
}
