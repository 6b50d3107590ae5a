import { RawSmtpClient } from "../../smtp-client.ts";
import { checkNotAborted, type Scenario, type ScenarioResult, sleep } from "../lib/harness.ts";
import {
  expectedOf,
  fmt,
  RelayCounter,
  reconcile,
  sample,
  waitForDelivery,
} from "../lib/ledger.ts";
import { type ClientTally, describeAnswers, submitWithRetries } from "../lib/submit.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface AuthGuessingOptions {
  /** Messages each legitimate sender (the attacked hosting's script, a bystander) sends. */
  messages: number;
  /** Guessing connections at once, all on loopback like every website. */
  guessers: number;
  /** The guessing goes on at least this long. */
  minGuessMs: number;
  timeoutMs: number;
}

export const AUTH_GUESSING_DEFAULTS: AuthGuessingOptions = {
  messages: 200,
  guessers: 20,
  minGuessMs: 8_000,
  timeoutMs: 90_000,
};

const plain = (user: string, pass: string) =>
  `AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString("base64")}`;

interface Guesses {
  /** Answers by code; `closed` when the connection ended without one, `timeout` past 10 s. */
  answers: Map<string, number>;
  connections: number;
}

/** One guessing connection after another, until `stop`: wrong passwords, some invented names. */
async function guess(
  port: number,
  victim: string,
  stop: () => boolean,
  into: Guesses,
): Promise<void> {
  let n = 0;
  while (!stop()) {
    let client: RawSmtpClient;
    try {
      client = await RawSmtpClient.connect(port);
    } catch {
      await sleep(50);
      continue;
    }
    into.connections++;
    try {
      if ((await client.read())?.code !== 220) continue;
      await client.command("EHLO guesser.test");
      while (!stop()) {
        const user = ++n % 5 === 0 ? `invented-${n}.example` : victim;
        // the tarpit may hold an answer longer than the client's 10 s: it gives up, as bots do
        const reply = await client
          .command(plain(user, `guess-${n}`))
          .catch(() => "timeout" as const);
        const key = reply === "timeout" ? reply : reply ? String(reply.code) : "closed";
        into.answers.set(key, (into.answers.get(key) ?? 0) + 1);
        if (typeof reply === "string" || !reply || reply.code === 421 || reply.code === 235) break;
      }
    } finally {
      client.close();
    }
    // a guesser reconnects at once; the pause only keeps this loop from spinning on refusals
    await sleep(5);
  }
}

/** Messages each session sends: every session is one more AUTH under attack. */
const PER_SESSION = 10;

/** Sends `subjects` as a script would, a few per session, one session after the other. */
async function sendInSessions(
  base: { port: number; user: string; password: string; signal: AbortSignal },
  subjects: string[],
): Promise<ClientTally> {
  const total: ClientTally = {
    submitted: subjects.length,
    accepted: new Set(),
    unknown: new Set(),
    rejected: [],
    refused4xx: 0,
    droppedBeforeData: 0,
    pending: [],
    attempts: [],
    answers: new Map(),
  };
  for (let i = 0; i < subjects.length && !base.signal.aborted; i += PER_SESSION) {
    const batch = subjects.slice(i, i + PER_SESSION);
    const t = await submitWithRetries({ ...base, subjects: batch, clients: 1, bodyBytes: 512 });
    for (const s of t.accepted) total.accepted.add(s);
    for (const s of t.unknown) total.unknown.add(s);
    total.rejected.push(...t.rejected);
    total.refused4xx += t.refused4xx;
    total.droppedBeforeData += t.droppedBeforeData;
    total.pending.push(...t.pending);
    total.attempts.push(...t.attempts);
    for (const [k, n] of t.answers) total.answers.set(k, (total.answers.get(k) ?? 0) + n);
  }
  return total;
}

/**
 * Every website connects from loopback. Guessers there hammer one hosting's AUTH with wrong
 * passwords (and invented user names) while that hosting's own script and another hosting send
 * mail: both must get in at every session and have all their mail acknowledged and delivered,
 * no guess may succeed, and the guesses are slowed by the tarpit.
 */
export function authGuessing(overrides: Partial<AuthGuessingOptions> = {}): Scenario {
  const o = { ...AUTH_GUESSING_DEFAULTS, ...overrides };
  return {
    name: "auth-guessing",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const world = await createWorld(ctx, "attacked.example");
      const bystander = await world.services.hostings.create({
        serviceName: "bystander.example",
        ownerEmail: "owner@attacked.example",
        maxPerDay: 1_000_000,
      });
      const bystanderPassword = await world.services.hostings.resetSmtpPassword(
        bystander.serviceName,
      );
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      const product = await world.start(relay.url);
      ctx.progress(`product running (pid ${product.pid}); ${o.guessers} guessers on loopback`);
      checkNotAborted(ctx);

      const run = `guess-${Date.now().toString(36)}`;
      const guesses: Guesses = { answers: new Map(), connections: 0 };
      const started = Date.now();
      let sending = true;
      const stop = () => ctx.signal.aborted || (!sending && Date.now() - started > o.minGuessMs);
      const guessing = Promise.all(
        Array.from({ length: o.guessers }, () =>
          guess(world.smtpPort, world.hosting.serviceName, stop, guesses),
        ),
      );
      // let the guessing build up before the legitimate mail starts
      await sleep(1_000, ctx.signal);
      const send = (user: string, password: string, who: string) =>
        sendInSessions(
          { port: world.smtpPort, user, password, signal: ctx.signal },
          Array.from({ length: o.messages }, (_, i) => `${run} ${who} ${i}`),
        );
      const [owner, other] = await Promise.all([
        send(world.hosting.serviceName, world.hosting.password, "owner"),
        send(bystander.serviceName, bystanderPassword, "bystander"),
      ]);
      sending = false;
      await guessing;
      const guessSeconds = (Date.now() - started) / 1000;
      const answered = [...guesses.answers].filter(([k]) => /^\d+$/.test(k));
      const totalGuesses = answered.reduce((sum, [, n]) => sum + n, 0);
      const guessAnswers = [...guesses.answers].map(([k, n]) => `${k} ×${fmt(n)}`).join(", ");
      ctx.progress(`guesses: ${guessAnswers} on ${fmt(guesses.connections)} connections`);

      const bystanderStored = async () =>
        (
          await world.db.prisma.message.findMany({
            where: { hostingId: bystander.id },
            select: { subject: true },
          })
        ).map((r) => r.subject);
      const expected = new Set([
        ...expectedOf(owner, await world.storedSubjects()),
        ...expectedOf(other, await bystanderStored()),
      ]);
      const wait = await waitForDelivery(ctx, world, counter, expected, { timeoutMs: 30_000 });
      const copies = counter.update();
      const rOwner = reconcile(owner, await world.storedSubjects(), copies);
      const rOther = reconcile(other, await bystanderStored(), copies);

      const failures: string[] = [];
      if (!product.alive()) failures.push(`the product died:\n${product.tail()}`);
      const refusedAuth = (tally: ClientTally) =>
        [...tally.answers].filter(([k]) => k.endsWith("@auth")).reduce((s, [, n]) => s + n, 0);
      for (const [who, tally] of [
        ["the attacked hosting's script", owner],
        ["the bystander hosting", other],
      ] as const) {
        if (refusedAuth(tally) > 0) {
          failures.push(`${who} was refused at AUTH ${refusedAuth(tally)} time(s)`);
        }
        if (tally.accepted.size !== o.messages) {
          failures.push(
            `${who}: ${tally.accepted.size}/${o.messages} acknowledged (${describeAnswers(tally)})`,
          );
        }
      }
      if (guesses.answers.get("235"))
        failures.push(`${guesses.answers.get("235")} guess(es) got in`);
      const missing = [...rOwner.missing, ...rOther.missing];
      if (missing.length > 0)
        failures.push(`${missing.length} never delivered: ${sample(missing)}`);
      if (!wait.complete) failures.push("not everything was delivered in time");
      return {
        done:
          `${o.guessers} guessers on loopback for ${guessSeconds.toFixed(0)} s: ${guessAnswers} ` +
          `(${(totalGuesses / guessSeconds).toFixed(0)} answered guesses/s); the attacked hosting's ` +
          `script and a bystander sent ${o.messages} each, an AUTH per ${PER_SESSION}, refused at AUTH ` +
          `${refusedAuth(owner) + refusedAuth(other)} times`,
        submitted: owner.submitted + other.submitted,
        acknowledged: owner.accepted.size + other.accepted.size,
        refused4xx: owner.refused4xx + other.refused4xx,
        delivered: rOwner.delivered + rOther.delivered,
        lost: rOwner.lost + rOther.lost,
        duplicates: rOwner.duplicated.length + rOther.duplicated.length,
        failures,
      };
    },
  };
}
