// PHP mail() as a site calls it: `php -d sendmail_path=… -r '…mail()…'`, P processes at once, and
// what every process on the client side cost (PHP, the shell PHP starts for sendmail_path, the
// command and its own children), read from the rusage of the waited-for tree by a few lines of
// python3 (RUSAGE_CHILDREN counts every waited-for descendant, to the microsecond).
import { spawn, spawnSync } from "node:child_process";

/** argv: procs calls sendmail_path from to; prints one JSON line. */
const DRIVER = [
  "import json, os, resource, subprocess, sys, time",
  "procs, calls, path, sender, to = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]",
  'code = \'for ($i = 0; $i < (int)$argv[1]; $i++) { if (!mail($argv[3], "script path $argv[2]-$i", "Hello $i.\\n", "From: " . $argv[4])) exit(1); }\'',
  "share = [calls // procs + (1 if i < calls % procs else 0) for i in range(procs)]",
  "t0 = time.monotonic()",
  "children = [subprocess.Popen(['php', '-n', '-d', 'sendmail_path=\"' + path + '\"', '-r', code, '--', str(n), str(i), to, sender]) for i, n in enumerate(share) if n > 0]",
  "failed = sum(1 for c in children if c.wait() != 0)",
  "wall = time.monotonic() - t0",
  "ru = resource.getrusage(resource.RUSAGE_CHILDREN)",
  "print(json.dumps({'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime, 'failed': failed}))",
].join("\n");

/**
 * One command alone, through sh as PHP runs it: its CPU from wait4, and its peak memory from GNU
 * time's %M when /usr/bin/time exists, in a second run (ru_maxrss as wait4 gives it keeps the
 * high-water mark of the forking python, about 14 MB, across exec; GNU time forks from ~1 MB).
 */
const ONE = [
  "import json, os, subprocess, sys",
  "def run(argv):",
  "    child = subprocess.Popen(argv, stdin=subprocess.PIPE)",
  "    child.stdin.write(data); child.stdin.close()",
  "    _, status, ru = os.wait4(child.pid, 0)",
  "    if os.waitstatus_to_exitcode(status) != 0: sys.exit(f'{argv} exited {os.waitstatus_to_exitcode(status)}')",
  "    return ru.ru_utime + ru.ru_stime",
  "data = sys.stdin.buffer.read()",
  "cpu = run(['sh', '-c', sys.argv[1]])",
  "peak = None",
  "if os.path.exists('/usr/bin/time'):",
  "    run(['/usr/bin/time', '-f', '%M', '-o', sys.argv[2], 'sh', '-c', sys.argv[1]])",
  "    peak = int(open(sys.argv[2]).read().split()[-1])",
  "print(json.dumps({'cpu': cpu, 'peakKb': peak}))",
].join("\n");

export interface PhpRun {
  /** Seconds from the first PHP process started to the last one ended. */
  wallS: number;
  /** User + system seconds of every client-side process (PHP, sh, the command, its children). */
  cpuS: number;
  /** PHP processes that exited non-zero (a mail() returned false). */
  failed: number;
  /** The last lines the processes wrote to standard error. */
  stderr: string;
}

function python<T>(script: string, args: string[], env: NodeJS.ProcessEnv, input = ""): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script, ...args], { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-600);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      try {
        resolve({ ...(JSON.parse(line) as T), stderr: err.trim() });
      } catch {
        reject(new Error(`python3 exited ${code}: ${err || out}`));
      }
    });
    child.stdin.end(input);
  });
}

/** `calls` mail() calls spread over `procs` PHP processes started at once. */
export function runPhpMail(o: {
  procs: number;
  calls: number;
  sendmailPath: string;
  from: string;
  to: string;
  env: NodeJS.ProcessEnv;
}): Promise<PhpRun> {
  return python<{ wall: number; cpu: number; failed: number; stderr: string }>(
    DRIVER,
    [String(o.procs), String(o.calls), o.sendmailPath, o.from, o.to],
    o.env,
  ).then((r) => ({ wallS: r.wall, cpuS: r.cpu, failed: r.failed, stderr: r.stderr }));
}

export interface CommandSample {
  cpuS: number;
  /** Undefined without GNU time (/usr/bin/time). */
  peakKb: number | undefined;
  /** Messages the sample sent (1, or 2 when the memory run happened). */
  sent: number;
}

/** Runs the command line (as PHP would: through sh) with `message` on its standard input. */
export async function sampleCommand(
  commandLine: string,
  message: string,
  env: NodeJS.ProcessEnv,
  scratch: string,
): Promise<CommandSample> {
  const r = await python<{ cpu: number; peakKb: number | null }>(
    ONE,
    [commandLine, scratch],
    env,
    message,
  );
  return { cpuS: r.cpu, peakKb: r.peakKb ?? undefined, sent: r.peakKb === null ? 1 : 2 };
}

export function hasPhp(): boolean {
  try {
    return (
      spawnSyncStatus("php", ["-n", "-r", "exit(function_exists('mail') ? 0 : 1);"]) === 0 &&
      spawnSyncStatus("python3", ["-c", ""]) === 0
    );
  } catch {
    return false;
  }
}

function spawnSyncStatus(command: string, args: string[]): number | null {
  return spawnSync(command, args, { stdio: "ignore" }).status;
}
