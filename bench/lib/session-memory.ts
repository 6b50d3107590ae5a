// Memory of the SMTP ingest per session: the server's resident set with N idle authenticated
// sessions open, then with each of them inside DATA with a partial body, against the same
// process before they opened (RSS from /proc: the child's heap is not reachable from here).
import { readFileSync } from "node:fs";
import { RawSmtpClient } from "@scripts-email/harness/smtp-client";

export interface SessionMemory {
  sessions: number;
  /** kB of resident memory per idle authenticated session. */
  idleKb: number;
  /** kB per message in flight: a session inside DATA holding `partialBytes` of body. */
  inFlightKb: number;
  partialBytes: number;
}

/** Resident set of a process in kB (VmRSS), or 0 when it cannot be read. */
export function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens `perLogin` sessions for each login (the per-hosting cap bounds one hosting's sessions),
 * measures, puts every session in DATA with `partialBytes` of body, measures, and closes them
 * all (the server drops the unfinished messages).
 */
export async function measureSessionMemory(o: {
  port: number;
  pid: number;
  logins: { user: string; pass: string }[];
  perLogin: number;
  partialBytes: number;
}): Promise<SessionMemory> {
  const clients: { client: RawSmtpClient; domain: string }[] = [];
  try {
    await settle(300);
    const base = rssKb(o.pid);
    for (const login of o.logins) {
      for (let i = 0; i < o.perLogin; i++) {
        const client = await RawSmtpClient.connect(o.port);
        clients.push({ client, domain: login.user });
        await client.login(login.user, login.pass);
      }
    }
    await settle(300);
    const idle = rssKb(o.pid);
    const line = `${"x".repeat(76)}\r\n`;
    const body = `Subject: in flight\r\n\r\n${line.repeat(Math.ceil(o.partialBytes / line.length))}`;
    await Promise.all(
      clients.map(async ({ client, domain }, i) => {
        client.write(`MAIL FROM:<m${i}@${domain}>\r\nRCPT TO:<r@sink.test>\r\nDATA\r\n`);
        for (let k = 0; k < 3; k++) await client.read();
        await client.writeDrained(body);
      }),
    );
    await settle(300);
    const inFlight = rssKb(o.pid);
    const n = Math.max(1, clients.length);
    return {
      sessions: clients.length,
      idleKb: (idle - base) / n,
      inFlightKb: (inFlight - idle) / n,
      partialBytes: body.length,
    };
  } finally {
    for (const { client } of clients) client.close();
  }
}
