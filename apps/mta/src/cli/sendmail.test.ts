import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSendmail } from "../../scripts/build-sendmail.ts";

const BIN = fileURLToPath(new URL("../../bin/sendmail", import.meta.url));

let fx: IngestFixture;
let site: TestHosting;
let port: number;
let work: string;

beforeAll(async () => {
  // The command runs the prebuilt bundle: build it from these sources so a broken bundle fails here.
  await buildSendmail();
  fx = await createIngestFixture();
  site = await fx.addHosting("cli.example");
  ({ port } = await fx.startServer());
  work = mkdtempSync(path.join(tmpdir(), "se-sendmail-"));
});

afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  await fx?.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith("SCRIPTS_EMAIL_")) delete base[key];
  return {
    ...base,
    SCRIPTS_EMAIL_HOST: "127.0.0.1",
    SCRIPTS_EMAIL_PORT: String(port),
    SCRIPTS_EMAIL_USER: site.serviceName,
    SCRIPTS_EMAIL_PASSWORD: site.password,
    ...overrides,
  };
}

function run(
  command: string,
  args: string[],
  input: string,
  environment: NodeJS.ProcessEnv = env(),
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: environment, cwd: work });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    // A command that exits before reading its input (no bundle: exit 75) closes the pipe: EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

const sendmail = (args: string[], input: string, environment?: NodeJS.ProcessEnv) =>
  run(BIN, args, input, environment);

/** The stored message with this subject (the fixture's clock stands still, so no "latest"). */
async function stored(subject: string) {
  const rows = await fx.db.prisma.message.findMany({ where: { hostingId: site.id, subject } });
  if (rows.length !== 1) throw new Error(`${rows.length} messages with subject "${subject}"`);
  const row = rows[0]!;
  return { ...row, text: Buffer.from(row.raw!).toString("utf8") };
}

describe("sendmail command", () => {
  it("with -t sends to To, Cc and Bcc and removes the Bcc header", async () => {
    const input = [
      "From: Web <web@cli.example>",
      "To: Ann <ann@example.org>, bob@example.org",
      "Cc: carl@example.org",
      "Bcc: hidden@example.org,",
      " also-hidden@example.org",
      "Subject: -t test",
      "",
      "Hello,",
      ".",
      "a lone dot above does not end the message",
      "",
    ].join("\n");
    const result = await sendmail(["-t", "-i"], input);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const row = await stored("-t test");
    expect(row.recipients).toEqual([
      "ann@example.org",
      "bob@example.org",
      "carl@example.org",
      "hidden@example.org",
      "also-hidden@example.org",
    ]);
    expect(row.envelopeFrom).toBe("web@cli.example");
    expect(row.source).toBe("sendmail");
    expect(row.subject).toBe("-t test");
    expect(row.text).not.toMatch(/^Bcc:/im);
    expect(row.text).not.toMatch(/hidden@/);
    expect(row.text).not.toMatch(/X-Scripts-Email-Via/i);
    expect(row.text).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$/m);
    expect(row.messageIdHeader).toMatch(/^<[0-9a-f-]+@cli\.example>$/);
    expect(row.text).toContain("Hello,\r\n.\r\na lone dot above does not end the message\r\n");
  });

  it("sends to the recipients given as arguments, with -f and -F", async () => {
    const input = "Subject: by arguments\n\nbody\n";
    const result = await sendmail(
      ["-oi", "-odi", "-fbounce@cli.example", "-F", "Cli Site", "x@example.org,y@example.org"],
      input,
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const row = await stored("by arguments");
    expect(row.recipients).toEqual(["x@example.org", "y@example.org"]);
    expect(row.envelopeFrom).toBe("bounce@cli.example");
    expect(row.text).toMatch(/^From: "Cli Site" <bounce@cli\.example>\r$/m);
  });

  it("reads the credentials from a configuration file named with -C", async () => {
    const file = path.join(work, "sendmail.conf");
    writeFileSync(
      file,
      `# Scripts-email\nhost = 127.0.0.1\nport = ${port}\nuser = ${site.serviceName}\npassword = "${site.password}"\n`,
    );
    const bare = env({
      SCRIPTS_EMAIL_HOST: undefined,
      SCRIPTS_EMAIL_PORT: undefined,
      SCRIPTS_EMAIL_USER: undefined,
      SCRIPTS_EMAIL_PASSWORD: undefined,
    });
    const result = await sendmail(["-C", file, "z@example.org"], "Subject: conf\n\nx\n", bare);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect((await stored("conf")).recipients).toEqual(["z@example.org"]);
  });

  it("sends 151 recipients to a server that takes 100 a message in two transactions", async () => {
    const to = Array.from({ length: 151 }, (_, i) => `r${i}@example.org`);
    const input = `From: web@cli.example\nTo: ${to.join(",\n ")}\nSubject: many\n\nx\n`;
    const result = await sendmail(["-t", "-i", "-v"], input);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.match(/^250 /gm)).toHaveLength(2);
    const rows = await fx.db.prisma.message.findMany({
      where: { hostingId: site.id, subject: "many" },
    });
    expect(rows.map((r) => r.recipients.length).sort()).toEqual([100, 51]);
    expect(rows.flatMap((r) => r.recipients).sort()).toEqual([...to].sort());
  });

  it("exits 67 naming the recipients a server refused, 75 when it only deferred them", async () => {
    const refusing = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (_auth, _session, callback) => callback(null, { user: "u" }),
      onRcptTo: (address, _session, callback) => {
        const local = address.address.split("@")[0]!;
        if (local.startsWith("gone")) {
          return callback(Object.assign(new Error("5.1.1 No such user"), { responseCode: 550 }));
        }
        if (local.startsWith("later")) {
          return callback(Object.assign(new Error("4.2.1 Try later"), { responseCode: 450 }));
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on("end", () => callback());
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const at = env({ SCRIPTS_EMAIL_PORT: String((refusing.server.address() as AddressInfo).port) });
    try {
      const mixed = await sendmail(
        ["ok@example.org", "gone1@example.org", "later@example.org", "gone2@example.org"],
        "Subject: refused\n\nx\n",
        at,
      );
      expect(mixed.code).toBe(67);
      expect(mixed.stderr).toBe(
        "sendmail: not sent to 3 of 4 recipients (sent to 1): gone1@example.org, gone2@example.org (550 5.1.1 No such user); later@example.org (450 4.2.1 Try later)\n",
      );
      const deferred = await sendmail(
        ["ok@example.org", "later@example.org"],
        "Subject: deferred\n\nx\n",
        at,
      );
      expect(deferred.code).toBe(75);
      expect(deferred.stderr).toMatch(/later@example\.org \(450 4\.2\.1 Try later\)/);
      const none = await sendmail(["gone@example.org"], "Subject: none\n\nx\n", at);
      expect(none.code).toBe(67);
      expect(none.stderr).toMatch(/not sent to 1 of 1 recipients \(sent to 0\): gone@example\.org/);
    } finally {
      await new Promise((resolve) => refusing.close(() => resolve(undefined)));
    }
  });

  it("exits 67 naming a recipient on the hosting's suppression list, the other sent", async () => {
    await fx.db.sql.query(
      `INSERT INTO "Suppression" ("hostingId", address, reason, "addedAt", "expiresAt")
       VALUES ($1::uuid, 'gone@example.org', '550 5.1.1 unknown', '2026-11-02T08:00:00Z',
               now() + interval '1 day')`,
      [site.id],
    );
    const { port: checking } = await fx.startServer(
      {},
      { suppressed: (hostingId, address) => fx.services.suppressions.find(hostingId, address) },
    );
    const result = await sendmail(
      ["ok@example.org", "Gone@example.org"],
      "Subject: suppressed\n\nx\n",
      env({ SCRIPTS_EMAIL_PORT: String(checking) }),
    );
    expect(result.code).toBe(67);
    expect(result.stderr).toBe(
      "sendmail: not sent to 1 of 2 recipients (sent to 1): Gone@example.org (550 5.1.1 " +
        "<gone@example.org>: on this hosting's suppression list since 2026-11-02 after a " +
        "permanent failure; remove it in the panel to send again)\n",
    );
    expect((await stored("suppressed")).recipients).toEqual(["ok@example.org"]);
  });

  it("refuses with 78 a server and credentials from different places, and connects nowhere", async () => {
    let connections = 0;
    const elsewhere = createNetServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const otherPort = (elsewhere.address() as AddressInfo).port;
    try {
      const file = path.join(work, "elsewhere.conf");
      writeFileSync(file, `host = 127.0.0.1\nport = ${otherPort}\n`);
      // the file names the server, the password is the environment's
      const fileServer = await sendmail(
        ["-C", file, "a@example.org"],
        "Subject: x\n\nx\n",
        env({ SCRIPTS_EMAIL_HOST: undefined, SCRIPTS_EMAIL_PORT: undefined }),
      );
      expect(fileServer.code).toBe(78);
      expect(fileServer.stderr).toBe(
        `sendmail: the server and the credentials must come from the same place, not host, port from ${file} and SCRIPTS_EMAIL_USER, SCRIPTS_EMAIL_PASSWORD from the environment: put host, port, user and password all in the file, or all in the environment\n`,
      );
      // and the other way round: the environment names the server, the file the password
      writeFileSync(file, `user = ${site.serviceName}\npassword = ${site.password}\n`);
      const envServer = await sendmail(
        ["-C", file, "a@example.org"],
        "Subject: x\n\nx\n",
        env({
          SCRIPTS_EMAIL_PORT: String(otherPort),
          SCRIPTS_EMAIL_USER: undefined,
          SCRIPTS_EMAIL_PASSWORD: undefined,
        }),
      );
      expect(envServer.code).toBe(78);
      expect(envServer.stderr).toMatch(/must come from the same place/);
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it("never sends the password in clear to a server off this machine (69 without STARTTLS)", async () => {
    let authTried = false;
    const plain = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (_auth, _session, callback) => {
        authTried = true;
        callback(null, { user: "u" });
      },
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      // the same listener, named by an address that is not a loopback name
      const result = await sendmail(
        ["a@example.org"],
        "Subject: x\n\nx\n",
        env({
          SCRIPTS_EMAIL_HOST: "::ffff:127.0.0.1",
          SCRIPTS_EMAIL_PORT: String((plain.server.address() as AddressInfo).port),
        }),
      );
      expect(result.code).toBe(69);
      expect(result.stderr).toMatch(
        /^sendmail: no secure connection to ::ffff:127\.0\.0\.1 .*STARTTLS/,
      );
      expect(authTried).toBe(false);
    } finally {
      await new Promise((resolve) => plain.close(() => resolve(undefined)));
    }
  });

  it("prints its help, and exits 64 on a usage error", async () => {
    const help = await sendmail(["--help"], "");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("SCRIPTS_EMAIL_CONFIG");
    expect(help.stdout).toContain("SCRIPTS_EMAIL_PASSWORD");
    const bad = await sendmail(["-Q"], "Subject: x\n\nx\n");
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe("sendmail: unknown option -Q\n");
  });

  it("exits 65 without recipients", async () => {
    const result = await sendmail(["-t"], "Subject: nobody\n\nx\n");
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/^sendmail: no recipients.*\n$/);
  });

  it("exits 75 when the server is down", async () => {
    const { server, port: p } = await fx.startServer();
    await server.close();
    const result = await sendmail(
      ["a@example.org"],
      "Subject: x\n\nx\n",
      env({ SCRIPTS_EMAIL_PORT: String(p) }),
    );
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(/^sendmail: cannot reach the mail server: .*ECONNREFUSED.*\n$/);
  });

  it("exits 75 naming the build command when its bundle was never built", async () => {
    // A copy of bin/sendmail with no dist/ beside it: the install that makes the bundle did not run.
    const bin = path.join(work, "unbuilt", "bin", "sendmail");
    mkdirSync(path.dirname(bin), { recursive: true });
    copyFileSync(BIN, bin);
    const result = await run(bin, ["a@example.org"], "Subject: x\n\nx\n");
    expect(result.code).toBe(75);
    expect(result.stderr).toContain("sendmail.cjs is missing");
    expect(result.stderr).toContain("pnpm --filter @scripts-email/mta build:sendmail");
  });

  it("exits 77 when the password is refused", async () => {
    const result = await sendmail(
      ["a@example.org"],
      "Subject: x\n\nx\n",
      env({ SCRIPTS_EMAIL_PASSWORD: "wrong" }),
    );
    expect(result.code).toBe(77);
    expect(result.stderr).toMatch(/^sendmail: authentication refused: 535 .*\n$/);
  });

  const php = spawnSync("php", ["-v"]).status === 0;
  it.skipIf(!php && process.env.CI !== "true")(
    "sends PHP's mail() with sendmail_path pointing at it",
    async () => {
      if (!php) {
        throw new Error("php is not on PATH: install php-cli (apt-get install -y php-cli)");
      }
      const script = path.join(work, "contact.php");
      writeFileSync(
        script,
        `<?php
$ok = mail(
  "to@example.org",
  "From PHP",
  "Hello from PHP\\n.\\nafter the dot",
  "From: Site <web@cli.example>\\r\\nCc: cc@example.org\\r\\nBcc: secret@example.org"
);
exit($ok ? 0 : 3);
`,
      );
      const result = await run(
        "php",
        [
          "-d",
          `sendmail_path=${BIN} -t -i`,
          "-d",
          "mail.add_x_header=1",
          "-d",
          "display_errors=stderr",
          script,
        ],
        "",
      );
      expect(result).toMatchObject({ code: 0, stderr: "" });
      const row = await stored("From PHP");
      expect(row.source).toBe("sendmail");
      expect(row.recipients).toEqual(["to@example.org", "cc@example.org", "secret@example.org"]);
      expect(row.envelopeFrom).toBe("web@cli.example");
      expect(row.originatingScript).toMatch(/contact\.php$/);
      expect(row.text).not.toMatch(/secret@/);
      expect(row.text).toContain("Hello from PHP\r\n.\r\nafter the dot");
    },
  );
});
