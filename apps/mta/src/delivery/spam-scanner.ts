import http from "node:http";
import type { DeliveryJob, SpamSymbol, SpamVerdict } from "@scripts-email/domain";

/** The symbols kept per message: the panel shows why, not rspamd's whole answer. */
const MAX_SYMBOLS = 10;
/** rspamd's answers are small JSON documents; anything far larger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** The scanner's verdict, or why there is none (down, slow, an error, an answer not understood). */
export type SpamScan = { verdict: SpamVerdict } | { unscanned: string };

export interface SpamScanner {
  /** Never throws: a scanner that fails says `unscanned`, within the timeout. */
  scan(
    job: Pick<DeliveryJob, "id" | "serviceName" | "envelopeFrom" | "recipients" | "raw">,
  ): Promise<SpamScan>;
}

export interface SpamScannerOptions {
  /** rspamd's scanning worker, e.g. `http://127.0.0.1:11333` (SPAM_SCANNER_URL). */
  url: string;
  /** The whole request, connection included (SPAM_SCANNER_TIMEOUT_MS). */
  timeoutMs: number;
}

/**
 * A client of rspamd's `POST /checkv2`: the raw message as the body, the envelope in headers, and
 * the hosting as the authenticated user (`User`), so that rspamd judges it as outgoing mail of
 * that site. Node's own HTTP client: it sends one `Rcpt` header per recipient, as rspamd wants
 * (fetch would join them into one line), and opens a connection per scan (no stale kept-alive
 * socket to fail on).
 */
export function createSpamScanner(options: SpamScannerOptions): SpamScanner {
  const endpoint = new URL("/checkv2", options.url);
  const agent = new http.Agent({ keepAlive: false });
  return {
    scan(job) {
      return new Promise<SpamScan>((resolve) => {
        let settled = false;
        let req: http.ClientRequest | undefined;
        const timer = setTimeout(() => {
          finish({ unscanned: `no answer within ${options.timeoutMs} ms` });
          req?.destroy();
        }, options.timeoutMs);
        function finish(result: SpamScan) {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        }
        try {
          req = http.request(endpoint, {
            method: "POST",
            agent,
            headers: {
              "Content-Type": "message/rfc822",
              "Content-Length": job.raw.length,
              User: headerValue(job.serviceName),
              From: headerValue(job.envelopeFrom),
              Rcpt: job.recipients.map(headerValue),
              "Queue-Id": job.id,
            },
          });
        } catch (error) {
          finish({ unscanned: error instanceof Error ? error.message : String(error) });
          return;
        }
        const request = req;
        request.on("error", (error) => finish({ unscanned: error.message }));
        request.on("response", (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              finish({ unscanned: "answer too large" });
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on("error", (error) => finish({ unscanned: error.message }));
          res.on("end", () => {
            if (res.statusCode !== 200) {
              finish({ unscanned: `HTTP ${res.statusCode}` });
              return;
            }
            const verdict = parseVerdict(Buffer.concat(chunks).toString("utf8"));
            finish(verdict ? { verdict } : { unscanned: "answer not understood" });
          });
        });
        request.end(job.raw);
      });
    },
  };
}

/**
 * An internationalised address (SMTPUTF8) as its UTF-8 bytes: Node writes header values as
 * Latin-1, one byte per character, and refuses characters beyond it.
 */
function headerValue(value: string): string {
  return Buffer.from(value, "utf8").toString("latin1");
}

/**
 * rspamd's `checkv2` answer (`{ score, action, symbols: { NAME: { name, score, description? } } }`)
 * as a verdict: the symbols that weighed most, by |score|, then by name. Null when it is not one.
 */
export function parseVerdict(text: string): SpamVerdict | null {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof answer !== "object" || answer === null) return null;
  const { score, action, symbols } = answer as Record<string, unknown>;
  if (typeof score !== "number" || !Number.isFinite(score) || typeof action !== "string") {
    return null;
  }
  const list: SpamSymbol[] = [];
  if (typeof symbols === "object" && symbols !== null) {
    for (const [key, value] of Object.entries(symbols)) {
      if (typeof value !== "object" || value === null) continue;
      const s = value as Record<string, unknown>;
      list.push({
        name: typeof s.name === "string" ? s.name : key,
        score: typeof s.score === "number" && Number.isFinite(s.score) ? s.score : 0,
        description: typeof s.description === "string" ? s.description : null,
      });
    }
  }
  list.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.name.localeCompare(b.name));
  return { score, action, symbols: list.slice(0, MAX_SYMBOLS) };
}
