import { RawSmtpClient, rawMessage } from "../../smtp-client.ts";
import { paddedBody } from "../../smtp-load.ts";
import type { Scenario, ScenarioResult } from "../lib/harness.ts";
import {
  expectedOf,
  RelayCounter,
  reconcile,
  rowFigures,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import { describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface OversizeOptions {
  /** Normal messages sent alongside. */
  normal: number;
  /** Hostile messages of each kind. */
  perKind: number;
  /** SMTP_MAX_SIZE_MB of the product. */
  maxSizeMb: number;
  timeoutMs: number;
}

export const OVERSIZE_DEFAULTS: OversizeOptions = {
  normal: 300,
  perKind: 3,
  maxSizeMb: 1,
  timeoutMs: 60_000,
};

interface Hostile {
  kind: string;
  /** Extra MAIL FROM parameters (a declared SIZE). */
  mailParams?: string;
  body(subject: string, maxBytes: number): string;
  /** The reply code expected and the stage it comes at. */
  expect: { code: number; stage: "mail" | "end" };
}

// No From: the server adds one from MAIL FROM, an address of the hosting's own domain.
const headers = (subject: string, extra: Record<string, string> = {}) => ({
  To: "someone@dest.test",
  Subject: subject,
  ...extra,
});

const KINDS: Hostile[] = [
  {
    kind: "over-size",
    body: (s, max) => rawMessage(headers(s), paddedBody(max + max / 2)),
    expect: { code: 552, stage: "end" },
  },
  {
    kind: "declared-over-size",
    mailParams: " SIZE=",
    body: (s, max) => rawMessage(headers(s), paddedBody(max + max / 2)),
    expect: { code: 552, stage: "mail" },
  },
  {
    kind: "nul-bytes",
    body: (s) => rawMessage(headers(s), `Hello\0world.\r\n${paddedBody(1_000)}`),
    expect: { code: 554, stage: "end" },
  },
  {
    kind: "header-over-998",
    body: (s) => rawMessage(headers(s, { "X-Long": "a".repeat(1_200) }), paddedBody(1_000)),
    expect: { code: 554, stage: "end" },
  },
];

interface HostileOutcome {
  kind: string;
  subject: string;
  code: number | null;
  stage: string;
  ok: boolean;
  /** Whether the same session then took a normal message (the refusal left it usable). */
  sessionUsable: boolean;
  followUp: string;
}

/** One hostile message on its own session, then a normal one on the same session. */
async function sendHostile(
  port: number,
  user: string,
  password: string,
  hostile: Hostile,
  subject: string,
  maxBytes: number,
): Promise<HostileOutcome> {
  const client = await RawSmtpClient.connect(port);
  try {
    await client.login(user, password);
    const body = hostile.body(subject, maxBytes);
    const params = hostile.mailParams ? `${hostile.mailParams}${Buffer.byteLength(body)}` : "";
    let stage = "mail";
    let reply = await client.command(`MAIL FROM:<site@${user}>${params}`);
    if (reply?.code === 250) {
      stage = "rcpt";
      reply = await client.command("RCPT TO:<someone@dest.test>");
    }
    if (reply?.code === 250) {
      stage = "data";
      reply = await client.command("DATA");
    }
    if (reply?.code === 354) {
      stage = "end";
      client.write(`${body}.\r\n`);
      reply = await client.read(30_000);
    }
    const code = reply?.code ?? null;
    const ok = code === hostile.expect.code && stage === hostile.expect.stage;
    // The refusal must leave the session usable: a normal message right after it goes through.
    const followUp = `${subject} follow-up`;
    const rset = await client.command("RSET");
    let usable = rset?.code === 250;
    if (usable) usable = (await client.command(`MAIL FROM:<site@${user}>`))?.code === 250;
    if (usable) usable = (await client.command("RCPT TO:<someone@dest.test>"))?.code === 250;
    if (usable) usable = (await client.command("DATA"))?.code === 354;
    if (usable) {
      client.write(`${rawMessage(headers(followUp))}.\r\n`);
      usable = (await client.read(30_000))?.code === 250;
    }
    return { kind: hostile.kind, subject, code, stage, ok, sessionUsable: usable, followUp };
  } finally {
    client.close();
  }
}

/**
 * Messages over SMTP_MAX_SIZE_MB (declared and not), with NUL bytes, or with a header line over
 * 998 characters are refused with a 5xx and nothing of them is stored or relayed, while normal
 * mail sent at the same time goes through and is delivered.
 */
export function oversizeAndMalformed(overrides: Partial<OversizeOptions> = {}): Scenario {
  const o = { ...OVERSIZE_DEFAULTS, ...overrides };
  return {
    name: "oversize-and-malformed",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "hostile.example");
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      const product = await world.start(relay.url, { maxSizeMb: o.maxSizeMb });
      ctx.progress(`product running (pid ${product.pid}), SMTP_MAX_SIZE_MB=${o.maxSizeMb}`);
      const maxBytes = o.maxSizeMb * 1024 * 1024;
      const run = `hostile-${Date.now().toString(36)}`;
      const { serviceName, password } = world.hosting;

      const normal = submitWithRetries({
        port: world.smtpPort,
        user: serviceName,
        password,
        subjects: Array.from({ length: o.normal }, (_, i) => `${run} normal ${i}`),
        clients: 4,
        bodyBytes: 1_024,
        signal: ctx.signal,
      });
      const hostile = Promise.all(
        KINDS.flatMap((kind) =>
          Array.from({ length: o.perKind }, (_, i) =>
            sendHostile(
              world.smtpPort,
              serviceName,
              password,
              kind,
              `${run} ${kind.kind} ${i}`,
              maxBytes,
            ),
          ),
        ),
      );
      const [tally, outcomes] = await Promise.all([normal, hostile]);
      // The follow-ups were answered 250 on the hostile sessions: they are owed too.
      for (const h of outcomes) if (h.sessionUsable) tally.accepted.add(h.followUp);
      const byReply = new Map<string, number>();
      for (const h of outcomes) {
        const key = `${h.code ?? "none"}@${h.stage}`;
        byReply.set(key, (byReply.get(key) ?? 0) + 1);
      }
      const replies = [...byReply].map(([k, n]) => `${k} ×${n}`).join(", ");
      ctx.progress(`hostile: ${replies}; normal: ${tally.accepted.size} acknowledged`);

      const stored = await world.storedSubjects();
      const hostileSubjects = new Set(outcomes.map((h) => h.subject));
      const storedHostile = stored.filter((s) => hostileSubjects.has(s));
      const expected = expectedOf(tally, stored);
      const wait = await waitForDelivery(ctx, world, counter, expected, {
        timeoutMs: 30_000,
        untilFinished: true,
      });
      const copies = counter.update();
      const r = reconcile(tally, await world.storedSubjects(), copies);
      const relayedHostile = [...hostileSubjects].filter((s) => copies.has(s));

      const failures: string[] = [];
      failures.push(...(await world.keptCountFailures()));
      if (!product.alive()) failures.push(`the product died:\n${product.tail()}`);
      const wrong = outcomes.filter((h) => !h.ok);
      if (wrong.length > 0) {
        failures.push(
          `${wrong.length} hostile message(s) not refused as expected: ` +
            wrong.map((h) => `${h.kind} → ${h.code}@${h.stage}`).join(", "),
        );
      }
      if (storedHostile.length > 0) {
        failures.push(
          `${storedHostile.length} refused message(s) stored: ${sample(storedHostile)}`,
        );
      }
      if (relayedHostile.length > 0) {
        failures.push(`${relayedHostile.length} refused message(s) relayed`);
      }
      const unusable = outcomes.filter((h) => !h.sessionUsable);
      if (unusable.length > 0) {
        failures.push(
          `${unusable.length} session(s) unusable after the refusal: ${unusable.map((h) => h.kind).join(", ")}`,
        );
      }
      if (tally.accepted.size !== o.normal + outcomes.length) {
        failures.push(`normal mail refused: ${describeAnswers(tally)}`);
      }
      if (stored.length !== tally.accepted.size) {
        failures.push(`${stored.length} rows stored for ${tally.accepted.size} acknowledged`);
      }
      if (r.missing.length > 0) failures.push(`${r.missing.length} normal messages not delivered`);
      if (!wait.complete) failures.push("queue not empty");
      return {
        done:
          `SMTP_MAX_SIZE_MB=${o.maxSizeMb}; ${outcomes.length} hostile (${KINDS.map((k) => k.kind).join(", ")}) ` +
          `→ ${replies}; ${storedHostile.length} of them stored, ${relayedHostile.length} relayed; ` +
          `${outcomes.length - unusable.length}/${outcomes.length} sessions took a normal ` +
          `message right after; ${o.normal} normal alongside`,
        ...rowFigures(tally, r),
        submitted: o.normal + 2 * outcomes.length,
        failures,
      };
    },
  };
}
