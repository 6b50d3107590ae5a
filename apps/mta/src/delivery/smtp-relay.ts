import type { RecipientResult } from "@scripts-email/domain";
import nodemailer from "nodemailer";
import type { Relay } from "./relay.ts";

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

interface SendInfo {
  accepted: Array<string | { address: string }>;
  rejectedErrors?: SmtpError[];
  response?: string;
}

export interface SmtpRelayOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`). */
  url: string;
  maxConnections?: number;
  /** Seconds to wait for the relay before the attempt is deferred. */
  timeoutSeconds?: number;
}

/** Relays through the upstream server over a pool of reused SMTP connections. */
export function createSmtpRelay(options: SmtpRelayOptions): Relay {
  const timeout = (options.timeoutSeconds ?? 60) * 1000;
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: options.maxConnections ?? 10,
    maxMessages: 1000,
    host: url.hostname,
    port: Number(url.port || (url.protocol === "smtps:" ? 465 : 25)),
    secure: url.protocol === "smtps:",
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // A relay with a private certificate on the provider's own network is common.
    tls: { rejectUnauthorized: url.searchParams.get("tls") !== "insecure" },
  });
  return {
    mode: "smtp",
    async deliver(job) {
      try {
        const info = (await transport.sendMail({
          envelope: { from: job.envelopeFrom, to: job.recipients },
          raw: job.raw,
        })) as SendInfo;
        return recipientResults(job.recipients, info.rejectedErrors ?? [], info.response ?? "");
      } catch (error) {
        return failureResults(job.recipients, error as SmtpError);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function outcomeOf(code: number | undefined): "deferred" | "failed" {
  return code !== undefined && code >= 500 ? "failed" : "deferred";
}

function recipientResults(
  recipients: string[],
  rejected: SmtpError[],
  response: string,
): RecipientResult[] {
  const byRecipient = new Map(rejected.map((e) => [e.recipient, e]));
  return recipients.map((recipient) => {
    const error = byRecipient.get(recipient);
    if (!error) return { recipient, outcome: "delivered", code: codeOf(response), text: response };
    return {
      recipient,
      outcome: outcomeOf(error.responseCode),
      code: error.responseCode ?? null,
      text: error.response ?? error.message,
    };
  });
}

function failureResults(recipients: string[], error: SmtpError): RecipientResult[] {
  // Every recipient refused at RCPT: each has its own reply.
  if (error.code === "EENVELOPE" && error.rejectedErrors?.length) {
    return recipientResults(recipients, error.rejectedErrors, "");
  }
  // The message as a whole (DATA refused, connection lost, relay down): same fate for all.
  return recipients.map((recipient) => ({
    recipient,
    outcome: outcomeOf(error.responseCode),
    code: error.responseCode ?? null,
    text: error.response ?? `${error.code ?? "ERROR"}: ${error.message}`,
  }));
}

function codeOf(response: string): number | null {
  const code = Number.parseInt(response.slice(0, 3), 10);
  return Number.isFinite(code) ? code : null;
}
