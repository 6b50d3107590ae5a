// Memory of the SMTP ingest per session: N idle authenticated sessions, then each of them inside
// DATA with a partial body, against the same process before they opened. Kernel socket buffers
// are not the process's and are not counted. The ingest runs alone in
// a child process (ingest-memory-child.ts) that reports its heap and external memory after full
// collections: resident set pages hid a few hundred sessions in the heap's free room (an earlier
// version read 0.04 kB a message in flight from /proc).
import { fork } from "node:child_process";
import path from "node:path";
import { RawSmtpClient } from "@scripts-email/harness/smtp-client";

export interface SessionMemory {
  sessions: number;
  /** Bytes of heap and external memory per idle authenticated session. */
  idleBytes: number;
  /** Bytes per message in flight: a session inside DATA holding `partialBytes` of body. */
  inFlightBytes: number;
  partialBytes: number;
}

interface Ready {
  port: number;
  logins: { user: string; pass: string }[];
}

const CHILD = path.join(import.meta.dirname, "ingest-memory-child.ts");
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens `perLogin` sessions on each of `hostings` hostings (one hosting's sessions are capped),
 * measures, puts every session in DATA with `partialBytes` of body, measures, and closes them
 * all (the server drops the unfinished messages).
 */
export async function measureSessionMemory(o: {
  hostings: number;
  perLogin: number;
  partialBytes: number;
}): Promise<SessionMemory> {
  const child = fork(CHILD, [], {
    execArgv: ["--expose-gc", "--import", "tsx"],
    env: { ...process.env, MEMORY_HOSTINGS: String(o.hostings) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`memory child exited ${code}`));
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        resolve(m as T);
      });
    });
  const measure = async () => {
    await settle(200);
    const reply = next<{ bytes: number }>();
    child.send("measure");
    return (await reply).bytes;
  };
  const clients: { client: RawSmtpClient; domain: string }[] = [];
  let port = 0;
  const line = `${"x".repeat(76)}\r\n`;
  const body = `Subject: in flight\r\n\r\n${line.repeat(Math.ceil(o.partialBytes / line.length))}`;
  const open = async (perLogin: number, logins: Ready["logins"]) => {
    const opened: typeof clients = [];
    for (const login of logins) {
      for (let i = 0; i < perLogin; i++) {
        const client = await RawSmtpClient.connect(port);
        opened.push({ client, domain: login.user });
        await client.login(login.user, login.pass);
      }
    }
    clients.push(...opened);
    return opened;
  };
  const inData = (some: typeof clients) =>
    Promise.all(
      some.map(async ({ client, domain }, i) => {
        client.write(`MAIL FROM:<m${i}@${domain}>\r\nRCPT TO:<r@sink.test>\r\nDATA\r\n`);
        for (let k = 0; k < 3; k++) await client.read();
        await client.writeDrained(body);
      }),
    );
  try {
    const ready = await next<Ready>();
    port = ready.port;
    const logins = ready.logins;
    // A first fifth of the sessions, idle then in DATA, warms what every session shares (code,
    // the login cache, pools); the figures are the rest's, each one's own cost.
    const warm = await open(Math.max(1, Math.floor(o.perLogin / 5)), logins);
    await inData(warm);
    const base = await measure();
    const measured = await open(o.perLogin - warm.length / logins.length, logins);
    const idle = await measure();
    await inData(measured);
    const inFlight = await measure();
    const n = Math.max(1, measured.length);
    return {
      sessions: measured.length,
      idleBytes: (idle - base) / n,
      inFlightBytes: (inFlight - idle) / n,
      partialBytes: body.length,
    };
  } finally {
    for (const { client } of clients) client.close();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send("stop");
    await Promise.race([exited, settle(10_000)]);
    child.kill();
  }
}
