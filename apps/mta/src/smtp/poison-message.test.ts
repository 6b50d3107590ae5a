import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RawSmtpClient, rawMessage } from "@scripts-email/harness/smtp-client";
import {
  createIngestFixture,
  type IngestFixture,
  type TestHosting,
} from "@scripts-email/harness/smtp-fixtures";
import { runSmtpLoad, type Submission } from "@scripts-email/harness/smtp-load";
import { describeRefusals } from "@scripts-email/harness/submission-ledger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSendmail } from "../../scripts/build-sendmail.ts";

// Issue 12, poison message: a Subject that decodes to NUL used to fail the whole group commit,
// so another hosting's mail sharing it got 451, and the poison itself was deferred forever.

const BIN = fileURLToPath(new URL("../../bin/sendmail", import.meta.url));

let fx: IngestFixture;
let victim: TestHosting;
let poisoner: TestHosting;
let port: number;

beforeAll(async () => {
  await buildSendmail(); // bin/sendmail runs the prebuilt bundle: test these sources' build
  fx = await createIngestFixture();
  victim = await fx.addHosting("victim.example");
  poisoner = await fx.addHosting("poisoner.example");
  ({ port } = await fx.startServer());
});

afterAll(async () => {
  await fx?.close();
});

const POISONS = ["=?UTF-8?B?AA==?=", "=?UTF-8?Q?=00?=", "=?UTF-16?B?AAA=?=", "=?UTF-16LE?B?ANg=?="];

const subjectsOf = async (hosting: TestHosting) =>
  (
    await fx.db.prisma.message.findMany({
      where: { hostingId: hosting.id },
      select: { subject: true },
    })
  ).map((r) => r.subject);

const codes = (submissions: Submission[]) =>
  [...new Set(submissions.map((s) => (s.outcome.kind === "dropped" ? 0 : s.outcome.code)))].sort();

/** The victim's load and the poisoner's 5 sessions, at the same time. */
async function loads(run: string, poisonSubject: (i: number) => string, poisonCount: number) {
  return Promise.all([
    runSmtpLoad({
      port,
      user: victim.serviceName,
      password: victim.password,
      messages: 400,
      clients: 10,
      subject: (i) => `${run} victim ${i}`,
      replyTimeoutMs: 20_000,
    }),
    runSmtpLoad({
      port,
      user: poisoner.serviceName,
      password: poisoner.password,
      messages: poisonCount,
      clients: 5,
      subject: poisonSubject,
      replyTimeoutMs: 20_000,
    }),
  ]);
}

describe("poison messages over SMTP", () => {
  it("5 poisoned sessions never cost another hosting's mail a 451, and the poison is stored mended", async () => {
    const [good, poison] = await loads(
      "mended",
      (i) => `p${i} ${POISONS[i % POISONS.length]}`,
      200,
    );
    expect(describeRefusals(good)).toBe("none");
    expect(codes(good)).toEqual([250]);
    expect(await subjectsOf(victim)).toHaveLength(400);
    // The poison is storable once its decoded text is mended: accepted once, not deferred.
    expect(describeRefusals(poison)).toBe("none");
    const stored = await subjectsOf(poisoner);
    expect(stored).toHaveLength(200);
    expect(stored.filter((s) => s.endsWith(" \uFFFD"))).toHaveLength(200);
    const raw = await fx.db.prisma.message.findFirstOrThrow({
      where: { hostingId: poisoner.id, subject: "p0 \uFFFD" },
    });
    expect(Buffer.from(raw.raw!).toString("latin1")).toContain(`Subject: p0 ${POISONS[0]}\r\n`);
  }, 60_000);

  describe("a message the database can never store", () => {
    beforeAll(async () => {
      // PostgreSQL itself refuses these rows with a data exception, as it did the NULs.
      await fx.db.sql.query(`CREATE FUNCTION refuse_unstorable() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22021'; END $$`);
      await fx.db.sql.query(`CREATE TRIGGER refuse_unstorable BEFORE INSERT ON "Message"
        FOR EACH ROW WHEN (NEW.subject LIKE '%UNSTORABLE%') EXECUTE FUNCTION refuse_unstorable()`);
    });
    afterAll(async () => {
      await fx.db.sql.query(`DROP TRIGGER refuse_unstorable ON "Message"`);
    });

    it("is refused with a permanent 554 alone, while the other hosting's mail is all accepted", async () => {
      const [good, poison] = await loads("refused", (i) => `UNSTORABLE ${i}`, 40);
      expect(describeRefusals(good)).toBe("none");
      expect(codes(poison)).toEqual([554]);
      const refusal = poison[0]!.outcome;
      expect(refusal).toMatchObject({ kind: "refused", stage: "end" });
      expect(refusal.kind === "refused" && refusal.text).toMatch(/^5\.6\.0 .*cannot be stored/);
      expect((await subjectsOf(poisoner)).filter((s) => s.startsWith("UNSTORABLE"))).toEqual([]);

      // the session stays usable
      const client = await RawSmtpClient.connect(port);
      try {
        await client.login(poisoner.serviceName, poisoner.password);
        for (const [subject, code] of [
          ["UNSTORABLE again", 554],
          ["fine after it", 250],
        ] as const) {
          expect((await client.command("MAIL FROM:<site@poisoner.example>"))?.code).toBe(250);
          expect((await client.command("RCPT TO:<a@dest.test>"))?.code).toBe(250);
          expect((await client.command("DATA"))?.code).toBe(354);
          client.write(`${rawMessage({ Subject: subject })}.\r\n`);
          expect((await client.read())?.code).toBe(code);
        }
      } finally {
        client.close();
      }
    }, 60_000);

    it("makes the sendmail command exit 69 (EX_UNAVAILABLE), not 75: the script does not retry", async () => {
      const result = await sendmail(["a@example.org"], "Subject: UNSTORABLE cli\n\nx\n");
      expect(result.code).toBe(69);
      expect(result.stderr).toMatch(/^sendmail: refused: 554 5\.6\.0 .*cannot be stored/);
    }, 30_000);
  });
});

function sendmail(args: string[], input: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("SCRIPTS_EMAIL_")) delete env[key];
  Object.assign(env, {
    SCRIPTS_EMAIL_HOST: "127.0.0.1",
    SCRIPTS_EMAIL_PORT: String(port),
    SCRIPTS_EMAIL_USER: poisoner.serviceName,
    SCRIPTS_EMAIL_PASSWORD: poisoner.password,
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(BIN, args, { env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}
