import type { SqlQuery } from "@scripts-email/db";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOUR } from "../clock.ts";
import { recordingLogger } from "../shared/logger.ts";
import { createWorld, disposeWorld, resetWorld, type World } from "../shared/test-fixtures.ts";
import { isUnstorableMessage } from "./ingest-failure.ts";
import { type DailyAddition, IngestRepository, type NewMessageRow } from "./ingest-repository.ts";
import {
  createIngestService,
  type IncomingMessage,
  type IngestOptions,
  type IngestService,
} from "./ingest-service.ts";

// Issue 12: one hosting's message can never fail another hosting's mail stored in the same
// group commit, and nothing after the commit can turn an accepted message into an error.

let w: World;

beforeAll(async () => {
  w = await createWorld({ mail: { burst: { limit: 0, windowMs: 60_000 } } });
});
afterAll(async () => {
  await disposeWorld(w);
});
beforeEach(async () => {
  await resetWorld(w);
});

const message = (hostingId: string, head: string, extra: Partial<IncomingMessage> = {}) => ({
  hostingId,
  envelopeFrom: "site@example.org",
  recipients: ["someone@dest.test"],
  raw: Buffer.from(`${head}\r\n\r\nbody\r\n`, "latin1"),
  source: "smtp" as const,
  ...extra,
});

/** Every message's answer, all submitted in the same turn so that they share one batch. */
const acceptAll = (ingest: Pick<IngestService, "accept">, messages: IncomingMessage[]) =>
  Promise.all(
    messages.map((m) =>
      ingest.accept(m).then(
        (accepted) => ({ ok: true as const, accepted }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );

const rowsOf = (hostingId: string) =>
  w.db.prisma.message.findMany({ where: { hostingId }, orderBy: { subject: "asc" } });

describe("a poison message", () => {
  it("is stored with its decoded text made storable, and never costs another hosting its mail", async () => {
    const poisons = [
      "Subject: b =?UTF-8?B?AA==?= end",
      "Subject: q =?UTF-8?Q?a=00b?=",
      "Subject: utf16 =?UTF-16?B?AAA=?=",
      "Subject: utf16le =?UTF-16LE?B?ANg=?=",
      "Subject: raw \xff\xfe bytes",
      "Subject: nul in id\r\nMessage-ID: <a\0b@example.org>",
      "Subject: nul in script\r\nX-PHP-Originating-Script: 33:a\0b.php",
    ].map((head) => message(w.hosting.id, head));
    poisons.push(
      message(w.hosting.id, "Subject: nul in envelope", {
        envelopeFrom: "a\0b@example.org",
        recipients: ["c\0d@dest.test", "\uD800@dest.test"],
      }),
    );
    const good = Array.from({ length: 20 }, (_, i) =>
      message(w.otherHosting.id, `Subject: good ${String(i).padStart(2, "0")}`),
    );
    const answers = await acceptAll(w.services.mail.ingest, [...poisons, ...good]);
    expect(answers.filter((a) => !a.ok)).toEqual([]);

    expect((await rowsOf(w.otherHosting.id)).map((r) => r.subject)).toEqual(
      good.map((_, i) => `good ${String(i).padStart(2, "0")}`),
    );
    const stored = await rowsOf(w.hosting.id);
    expect(stored.map((r) => r.subject)).toEqual([
      "b \uFFFD end",
      "nul in envelope",
      "nul in id",
      "nul in script",
      "q a\uFFFDb",
      "raw \uFFFD\uFFFD bytes",
      "utf16 \uFFFD",
      "utf16le \uFFFD",
    ]);
    const bySubject = new Map(stored.map((r) => [r.subject, r]));
    expect(bySubject.get("nul in id")?.messageIdHeader).toBe("<a\uFFFDb@example.org>");
    expect(bySubject.get("nul in script")?.originatingScript).toBe("33:a\uFFFDb.php");
    expect(bySubject.get("nul in envelope")).toMatchObject({
      envelopeFrom: "a\uFFFDb@example.org",
      recipients: ["c\uFFFDd@dest.test", "\uFFFD@dest.test"],
    });
    // The message itself is kept byte for byte: only the columns shown in the panel change.
    for (const poison of poisons) {
      const row = stored.find((r) => Buffer.from(r.raw!).equals(poison.raw));
      expect(row, poison.raw.toString("latin1")).toBeDefined();
    }
  });
});

/** A message the database refuses whatever is done to it, or whose statement kills the session. */
class FaultyRepository extends IngestRepository {
  batches = 0;
  override async insertMessages(
    q: SqlQuery,
    rows: NewMessageRow[],
    day?: Date,
    additions?: DailyAddition[],
  ): Promise<void> {
    this.batches++;
    if (rows.some((r) => r.subject.includes("UNSTORABLE"))) {
      await q.query("SELECT 'not a number'::int"); // 22P02, from PostgreSQL itself
    }
    if (rows.some((r) => r.subject.includes("CONNECTION-LOST"))) {
      await q.query("SELECT pg_terminate_backend(pg_backend_pid())");
    }
    await super.insertMessages(q, rows, day, additions);
  }
}

const OPTIONS: IngestOptions = {
  holdMs: 72 * HOUR,
  burst: { limit: 0, windowMs: 60_000 },
  onBurst: async () => undefined,
};

/** What the operator reads: each logged message with its error. */
const lines = (log: ReturnType<typeof recordingLogger>) =>
  log.records.map((r) => `${r.msg}: ${r.err instanceof Error ? r.err.message : ""}`);

describe("a message that can never be stored", () => {
  it("alone gets a permanent refusal, and every other message of its batch is stored", async () => {
    const repo = new FaultyRepository(w.db);
    const log = recordingLogger();
    const ingest = createIngestService({ repo, clock: w.clock, options: { ...OPTIONS, log } });
    const good = (n: number, hostingId: string) =>
      Array.from({ length: n }, (_, i) => message(hostingId, `Subject: ok ${hostingId} ${i}`));
    const batch = [
      ...good(7, w.otherHosting.id),
      message(w.hosting.id, "Subject: UNSTORABLE"),
      ...good(3, w.hosting.id),
      ...good(6, w.otherHosting.id),
    ];
    const answers = await acceptAll(ingest, batch);
    const refused = answers.flatMap((a, i) => (a.ok ? [] : [[i, a.error]]));
    expect(refused).toHaveLength(1);
    expect(refused[0]![0]).toBe(7);
    expect(isUnstorableMessage(refused[0]![1])).toBe(true);
    expect(await rowsOf(w.otherHosting.id)).toHaveLength(13);
    expect(await rowsOf(w.hosting.id)).toHaveLength(3);
    // Split in halves, not retried one by one: 17 items cost far fewer than 17 transactions.
    expect(repo.batches).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(17)));
    // the operator sees why
    expect(log.records[0]).toMatchObject({ count: 17 });
    expect(lines(log)[0]).toMatch(
      /^a batch of messages failed, stored again in halves: .*"not a number"/,
    );
    expect(lines(log).at(-1)).toMatch(/^message refused, the database cannot store it: /);

    // Sent again it is refused again, straight away: nothing is deferred forever.
    const again = await acceptAll(ingest, [message(w.hosting.id, "Subject: UNSTORABLE")]);
    expect(again[0]!.ok).toBe(false);
    expect(isUnstorableMessage(!again[0]!.ok && again[0]!.error)).toBe(true);
  });

  it("is still a temporary failure when the database, not the message, failed", async () => {
    const ingest = createIngestService({
      repo: new FaultyRepository(w.db),
      clock: w.clock,
      options: OPTIONS,
    });
    const [alone] = await acceptAll(ingest, [message(w.hosting.id, "Subject: CONNECTION-LOST")]);
    expect(alone!.ok).toBe(false);
    expect(isUnstorableMessage(!alone!.ok && alone!.error)).toBe(false);
    // and the pool goes on working afterwards
    const [next] = await acceptAll(ingest, [message(w.hosting.id, "Subject: after")]);
    expect(next!.ok).toBe(true);
  });
});

/** countAcceptedSince fails with a real error of the database. */
class FailingCountRepository extends IngestRepository {
  override async countAcceptedSince(): Promise<number> {
    await this.sql.query("SELECT 1/0"); // 22012
    return 0;
  }
}

describe("work after the commit", () => {
  it("can neither fail nor hold up the answer of a committed message", async () => {
    // the burst rule counts mail accepted after the hosting became active (created, here)
    w.clock.advance(1000);
    const log = recordingLogger();
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    let burstCalls = 0;
    const ingest = createIngestService({
      repo: new IngestRepository(w.db),
      clock: w.clock,
      options: {
        ...OPTIONS,
        burst: { limit: 1, windowMs: 60_000 },
        onBurst: (() => {
          burstCalls++;
          if (burstCalls === 1) return hung; // a block that takes its time
          throw new Error("onBurst failed");
        }) as IngestOptions["onBurst"],
        dailyLimitWarning: 0.0001,
        onDailyLimitNear: async () => {
          throw new Error("alert failed");
        },
        log,
      },
    });
    const first = await acceptAll(
      ingest,
      [1, 2, 3].map((i) => message(w.hosting.id, `Subject: a${i}`)),
    );
    expect(first.every((a) => a.ok)).toBe(true);
    // The burst rule is waiting on its block: the next messages are answered all the same.
    const second = await acceptAll(
      ingest,
      [4, 5].map((i) => message(w.hosting.id, `Subject: a${i}`)),
    );
    expect(second.every((a) => a.ok)).toBe(true);
    release();
    await ingest.settled();
    expect(burstCalls).toBe(2);
    expect(lines(log).join("\n")).toMatch(/onBurst failed/);
    expect(lines(log).join("\n")).toMatch(/alert failed/);
    expect(await rowsOf(w.hosting.id)).toHaveLength(5);

    const failing = createIngestService({
      repo: new FailingCountRepository(w.db),
      clock: w.clock,
      options: {
        ...OPTIONS,
        burst: { limit: 1, windowMs: 60_000 },
        log,
      },
    });
    const third = await acceptAll(
      failing,
      [6, 7].map((i) => message(w.hosting.id, `Subject: a${i}`)),
    );
    expect(third.every((a) => a.ok)).toBe(true);
    await failing.settled();
    expect(lines(log).join("\n")).toMatch(/burst check after commit failed.*division by zero/);
    // each stored once: nothing made the client send it again
    expect((await rowsOf(w.hosting.id)).map((r) => r.subject)).toEqual([
      "a1",
      "a2",
      "a3",
      "a4",
      "a5",
      "a6",
      "a7",
    ]);
  }, 15_000);
});
