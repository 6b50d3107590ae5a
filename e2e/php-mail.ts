import { spawn } from "node:child_process";
import path from "node:path";
import type { Hosting, Product } from "./fixtures.ts";

/** This checkout's sendmail command, the one PHP's sendmail_path names. */
const SENDMAIL = path.resolve(import.meta.dirname, "../apps/mta/bin/sendmail");

/** The site's own address, the From of its scripts' mail (and so the envelope sender). */
export const shopAddress = (hosting: Hosting) => `shop@${hosting.serviceName}`;

export interface PhpMail {
  /** The website's script, as PHP names it in X-PHP-Originating-Script (`uid:path`). */
  script: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends a message as PHP's mail() does with `mail.add_x_header = On`: it starts
 * `sendmail -t -i` and writes To, Subject, X-PHP-Originating-Script and the script's own headers,
 * a blank line and the body on its standard input. Resolves with sendmail's exit code and output
 * (0 and nothing when the product accepted the message).
 */
export function phpMail(
  product: Product,
  hosting: Hosting,
  mail: PhpMail,
): Promise<{ code: number | null; stderr: string }> {
  const input = [
    `To: ${mail.to}`,
    `Subject: ${mail.subject}`,
    `X-PHP-Originating-Script: ${mail.script}`,
    `From: Shop <${shopAddress(hosting)}>`,
    "Content-Type: text/plain; charset=UTF-8",
    "",
    mail.text,
    "",
  ].join("\n");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    SCRIPTS_EMAIL_HOST: "127.0.0.1",
    SCRIPTS_EMAIL_PORT: String(product.smtpPort),
    SCRIPTS_EMAIL_USER: hosting.serviceName,
    SCRIPTS_EMAIL_PASSWORD: hosting.smtpPassword,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(SENDMAIL, ["-t", "-i"], { env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    // a command that exits before reading its input closes the pipe: its exit code says why
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
