// Postfix's tools on loopback: smtp-sink (the common upstream), smtp-source, and a private
// Postfix instance (its own main.cf, master.cf and queue under the lab folder), the way
// shared/bench/postfix-anchor.sh runs them.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  adopt,
  type Child,
  childrenOf,
  readStat,
  sleep,
  startChild,
  stopPid,
  waitPort,
} from "./procs.ts";

export const SMTP_SOURCE = "/usr/sbin/smtp-source";
export const SMTP_SINK = "/usr/sbin/smtp-sink";

export function hasPostfixTools(): boolean {
  return existsSync(SMTP_SOURCE) && existsSync(SMTP_SINK) && existsSync("/usr/sbin/postfix");
}

/** Installs Debian's postfix non-interactively when it is missing (root only). */
export function installPostfix(log: (line: string) => void): boolean {
  if (hasPostfixTools()) return true;
  if (process.getuid?.() !== 0) {
    log("postfix is not installed and this is not root: the Postfix comparison is skipped");
    return false;
  }
  log("installing Debian's postfix (smtp-source, smtp-sink) with apt-get…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("debconf-set-selections", {
    input: "postfix postfix/main_mailer_type select No configuration\n",
    env,
  });
  let r = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "postfix"], {
    env,
    stdio: "ignore",
    timeout: 300_000,
  });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update"], { env, stdio: "ignore", timeout: 300_000 });
    r = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "postfix"], {
      env,
      stdio: "ignore",
      timeout: 300_000,
    });
  }
  if (r.status !== 0 || !hasPostfixTools()) {
    log("apt-get install postfix failed: the Postfix comparison is skipped");
    return false;
  }
  return true;
}

/** The upstream every relay delivers to; counts messages. */
export interface Sink {
  kind: "smtp-sink" | "node-sink";
  port: number;
  child: Child;
  count(): number;
  /** Resolves when the count reaches `n` (true) or the deadline passes (false). */
  waitFor(n: number, deadline: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startSink(
  port: number,
  logFile: string,
  useSmtpSink: boolean,
): Promise<Sink> {
  const child = useSmtpSink
    ? startChild("smtp-sink", SMTP_SINK, ["-u", "nobody", "-c", `127.0.0.1:${port}`, "1024"], {
        logFile,
        stdout: "pipe",
      })
    : startChild(
        "node-sink",
        process.execPath,
        ["--import", "tsx", "bench/lib/node-sink.ts", String(port)],
        {
          logFile,
          stdout: "pipe",
        },
      );
  let count = 0;
  let tail = "";
  child.process.stdout?.setEncoding("latin1");
  child.process.stdout?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-200);
    const all = [...tail.matchAll(/mesg=(\d+)/g)];
    const last = all.at(-1);
    if (last) count = Math.max(count, Number(last[1]));
  });
  await waitPort(port, 20_000, child);
  const sink: Sink = {
    kind: useSmtpSink ? "smtp-sink" : "node-sink",
    port,
    child,
    count: () => count,
    async waitFor(n, deadline) {
      while (count < n) {
        if (Date.now() > deadline) return false;
        await sleep(20);
      }
      return true;
    },
    stop: () => child.stop(5_000),
  };
  return sink;
}

export interface PostfixInstance {
  port: number;
  masterPid: number;
  /** CPU seconds of master + children (reaped ones included). */
  cpuSeconds(): number;
  queueEmpty(): boolean;
  sentCount(): number;
  stop(): Promise<void>;
}

export async function startPostfix(
  lab: string,
  port: number,
  sinkPort: number,
): Promise<PostfixInstance> {
  const pf = path.join(lab, "postfix");
  const etc = path.join(pf, "etc");
  const spool = path.join(pf, "spool");
  const data = path.join(pf, "data");
  for (const d of [etc, spool, data]) mkdirSync(d, { recursive: true });
  chmodSync(lab, 0o755); // Postfix's own users must reach its queue and data folders
  const maillog = path.join(pf, "maillog");
  rmSync(maillog, { force: true });
  writeFileSync(
    path.join(etc, "main.cf"),
    `compatibility_level = 3.6
queue_directory = ${spool}
data_directory = ${data}
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = bench-lab.invalid
mydomain = invalid
myorigin = $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions =
relayhost = [127.0.0.1]:${sinkPort}
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
maillog_file_prefixes = ${lab}
maillog_file = ${maillog}
biff = no
`,
  );
  writeFileSync(
    path.join(etc, "master.cf"),
    `127.0.0.1:${port} inet n - n - - smtpd
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n -  0 cleanup
qmgr       unix  n - n 300 1 qmgr
rewrite    unix  - - n -  - trivial-rewrite
bounce     unix  - - n -  0 bounce
defer      unix  - - n -  0 bounce
trace      unix  - - n -  0 bounce
verify     unix  - - n -  1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -  - proxymap
proxywrite unix  - - n -  1 proxymap
smtp       unix  - - n -  - smtp
relay      unix  - - n -  - smtp
showq      unix  n - n -  - showq
error      unix  - - n -  - error
retry      unix  - - n -  - error
discard    unix  - - n -  - discard
local      unix  - n n -  - local
anvil      unix  - - n -  1 anvil
scache     unix  - - n -  1 scache
postlog    unix-dgram n - n - 1 postlogd
`,
  );
  execFileSync("chown", ["postfix:postfix", data]);
  execFileSync("postfix", ["-c", etc, "check"], { stdio: "ignore" });
  clearQueue(spool); // leftovers of an aborted run: our private queue, Postfix stopped
  execFileSync("postfix", ["-c", etc, "start"], { stdio: "ignore" });
  const masterPid = Number(readFileSync(path.join(spool, "pid", "master.pid"), "utf8").trim());
  adopt(masterPid, "postfix-master");
  await waitPort(port, 20_000);
  const cpuOf = (pid: number) => (readStat(pid)?.ticks ?? 0) / 100;
  return {
    port,
    masterPid,
    cpuSeconds: () => cpuOf(masterPid) + childrenOf(masterPid).reduce((s, c) => s + cpuOf(c), 0),
    queueEmpty() {
      const r = spawnSync("postqueue", ["-c", etc, "-p"], { encoding: "utf8" });
      return /Mail queue is empty/.test(r.stdout);
    },
    sentCount() {
      if (!existsSync(maillog)) return 0;
      return (readFileSync(maillog, "utf8").match(/status=sent/g) ?? []).length;
    },
    async stop() {
      const kids = childrenOf(masterPid);
      await stopPid(masterPid, "postfix-master", 15_000); // the master SIGTERMs its own children
      for (const k of kids) await stopPid(k, "postfix-child", 5_000);
      clearQueue(spool);
    },
  };
}

const QUEUES = ["maildrop", "incoming", "active", "deferred", "hold", "bounce", "defer", "trace"];

function clearQueue(spool: string): void {
  const dirs = QUEUES.map((q) => path.join(spool, q)).filter((d) => existsSync(d));
  if (dirs.length > 0) spawnSync("find", [...dirs, "-type", "f", "-delete"], { stdio: "ignore" });
}

/** Runs smtp-source (one connection per message, like the anchor) and waits for it. */
export async function runSmtpSource(
  port: number,
  n: number,
  sessions: number,
  bodyBytes: number,
  timeoutMs: number,
  logFile: string,
): Promise<{ code: number | null; startedAt: number; endedAt: number }> {
  const startedAt = Date.now();
  const child = startChild(
    "smtp-source",
    SMTP_SOURCE,
    [
      "-s",
      String(sessions),
      "-l",
      String(bodyBytes),
      "-m",
      String(n),
      "-f",
      "sender@bench.invalid",
      "-t",
      "rcpt@bench.invalid",
      `127.0.0.1:${port}`,
    ],
    { logFile },
  );
  const timer = setTimeout(() => void child.stop(2_000), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, startedAt, endedAt: Date.now() };
}
