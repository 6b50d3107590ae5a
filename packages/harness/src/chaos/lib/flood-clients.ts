import { readFile } from "node:fs/promises";
import { RawSmtpClient, rawMessage } from "../../smtp-client.ts";

// Clients of the SMTP flood scenario, and what it reads of the product process.

/** A number from `/proc/<pid>/status` (kB, e.g. VmRSS, VmHWM) or `/proc/<pid>/io` (bytes). */
export async function procField(
  pid: number,
  file: "status" | "io",
  field: string,
): Promise<number> {
  const text = await readFile(`/proc/${pid}/${file}`, "utf8");
  const line = text.split("\n").find((l) => l.startsWith(`${field}:`)) ?? "";
  const [value] = line
    .slice(field.length + 1)
    .trim()
    .split(/\s+/);
  return value ? Number(value) : Number.NaN;
}

/** Runs `work` over `items`, `size` at a time. */
export async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  }
  return results;
}

/**
 * A session that sends `bytes` of a message and never ends it: then a line every 2 s, as the
 * issue's slow client did, so that only the caller (or the session timeout) ends it.
 */
export async function unfinishedData(port: number, user: string, password: string, bytes: number) {
  const client = await RawSmtpClient.connect(port);
  await client.login(user, password);
  for (const [command, code] of [
    [`MAIL FROM:<site@${user}>`, 250],
    ["RCPT TO:<someone@dest.test>", 250],
    ["DATA", 354],
  ] as const) {
    const reply = await client.command(command);
    if (reply?.code !== code) throw new Error(`${command}: ${JSON.stringify(reply)}`);
  }
  await client.writeDrained(rawMessage({ From: `site@${user}`, Subject: "flood" }, ""));
  const chunk = Buffer.from(`${"x".repeat(78)}\r\n`.repeat(800)); // 64,000 bytes
  for (let sent = 0; sent < bytes && !client.closed; sent += chunk.length) {
    await client.writeDrained(chunk);
  }
  const trickle = setInterval(() => {
    if (client.closed) clearInterval(trickle);
    else client.write("y\r\n");
  }, 2_000);
  return client;
}

/** What a client heard last before the server closed: a 421's text, or `closed`. */
export async function lastWords(client: RawSmtpClient, timeoutMs: number): Promise<string> {
  const reply = await client.read(timeoutMs).catch(() => null);
  return reply ? `${reply.code} ${reply.lines.join(" ")}` : "closed";
}
