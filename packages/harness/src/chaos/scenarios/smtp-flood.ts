import { openFileLimit } from "@scripts-email/mta";
import { RawSmtpClient, rawMessage } from "../../smtp-client.ts";
import { inBatches, lastWords, procField, unfinishedData } from "../lib/flood-clients.ts";
import {
  checkNotAborted,
  type Scenario,
  type ScenarioResult,
  sleep,
  until,
} from "../lib/harness.ts";
import { fmt, RelayCounter } from "../lib/ledger.ts";
import { createWorld, startRelay } from "../lib/world.ts";

export interface SmtpFloodOptions {
  /** Connections that greet and then say nothing. */
  idle: number;
  /** Sessions of one hosting that send a large DATA and never finish it. */
  dataSessions: number;
  /** Megabytes each of those sends. */
  dataMb: number;
  /** SMTP_DATA_MEMORY_MB of the product. */
  dataMemoryMb: number;
  /** SMTP_IDLE_TIMEOUT_SECONDS of the product (short, so that the scenario sees it). */
  idleTimeoutSeconds: number;
  /** The product's peak RSS (VmHWM) must stay under this. */
  rssBoundMb: number;
  timeoutMs: number;
}

/**
 * The issue's flood: 2,000 idle connections and 200 unfinished DATAs of 9 MB (1.8 GB, all held
 * in memory before). With a 64 MB data budget the rest goes to the spool. The bound: the
 * process's own size with every role (~190 MB), the budget, the 2,200 sessions' buffers
 * (~100 MB) and room for the garbage collector; measured peaks were 300-380 MB.
 */
export const SMTP_FLOOD_DEFAULTS: SmtpFloodOptions = {
  idle: 2_000,
  dataSessions: 200,
  dataMb: 9,
  dataMemoryMb: 64,
  idleTimeoutSeconds: 15,
  rssBoundMb: 512,
  timeoutMs: 240_000,
};

/** Newcomers opened at the full cap, each taking an idle connection's place. */
const GLOBAL_PROBES = 40;

/**
 * An SMTP flood against the whole product (every role in one process, as by default): idle
 * connections and large unfinished DATAs filling the caps. The product's peak RSS stays under a
 * bound, the HTTP API answers throughout, one more session of the flooding hosting gets
 * `421 4.7.0` while another hosting still sends, newcomers at the full cap take the places of
 * the oldest idle connections (`421 4.7.0`), and the rest are closed after the idle timeout.
 */
export function smtpFlood(overrides: Partial<SmtpFloodOptions> = {}): Scenario {
  const o = { ...SMTP_FLOOD_DEFAULTS, ...overrides };
  return {
    name: "smtp-flood",
    timeoutMs: o.timeoutMs,
    async run(ctx): Promise<ScenarioResult> {
      const failures: string[] = [];
      // Both ends of every connection are on this machine: the runner and the product each
      // hold one descriptor per connection, under the same `ulimit -n` (Node raises the soft
      // limit to the hard one at start). Scale the idle load down rather than fail on EMFILE.
      const fdLimit = openFileLimit() ?? 1_024;
      const fitting = Math.floor((fdLimit - 1_024) / 2) - o.dataSessions - GLOBAL_PROBES;
      const idle = Math.max(0, Math.min(o.idle, fitting));
      if (idle < o.idle) {
        ctx.progress(`ulimit -n is ${fdLimit}: ${idle} idle connections instead of ${o.idle}`);
      }
      const world = await createWorld(ctx, "flood.example");
      const other = "calm.example";
      await world.services.hostings.create({
        serviceName: other,
        ownerEmail: "owner@flood.example",
      });
      const otherPassword = await world.services.hostings.resetSmtpPassword(other);
      const relay = await startRelay(ctx);
      const counter = new RelayCounter(relay);
      // The idle connections and the DATAs fill the cap exactly.
      const maxConnections = idle + o.dataSessions;
      const product = await world.start(relay.url, {
        roles: "api,smtp,worker,scheduler",
        env: {
          SMTP_MAX_CONNECTIONS: String(maxConnections),
          SMTP_MAX_CONNECTIONS_PER_ACCOUNT: String(o.dataSessions),
          SMTP_IDLE_TIMEOUT_SECONDS: String(o.idleTimeoutSeconds),
          SMTP_DATA_MEMORY_MB: String(o.dataMemoryMb),
        },
      });
      const pid = product.pid;
      const rssAtStart = await procField(pid, "status", "VmRSS");
      const readAtStart = await procField(pid, "io", "rchar");
      ctx.progress(`product running (pid ${pid}, RSS ${Math.round(rssAtStart / 1024)} MB)`);

      // The API is asked every 250 ms throughout; each answer must come within 5 s (the
      // machine running the tests may be busy with much else).
      const api = { ok: 0, failed: 0, slowestMs: 0, errors: new Map<string, number>() };
      let polling = true;
      const poller = (async () => {
        while (polling && !ctx.signal.aborted) {
          const started = Date.now();
          try {
            const response = await fetch(`http://127.0.0.1:${world.httpPort}/health`, {
              signal: AbortSignal.timeout(5_000),
            });
            await response.arrayBuffer();
            if (response.status === 200) api.ok++;
            else throw new Error(`HTTP ${response.status}`);
          } catch (error) {
            api.failed++;
            const key = (error as Error).message.slice(0, 60);
            api.errors.set(key, (api.errors.get(key) ?? 0) + 1);
          }
          api.slowestMs = Math.max(api.slowestMs, Date.now() - started);
          await sleep(250, ctx.signal);
        }
      })();

      const clients: RawSmtpClient[] = [];
      ctx.defer(() => {
        polling = false;
        for (const c of clients) c.close();
      });

      // 1. Large DATAs, never finished, their sessions kept alive.
      const { serviceName, password } = world.hosting;
      const bytes = o.dataMb * 1024 * 1024;
      const dataClients = await inBatches(
        Array.from({ length: o.dataSessions }, (_, i) => i),
        25,
        () => unfinishedData(world.smtpPort, serviceName, password, bytes),
      );
      clients.push(...dataClients);
      // Sent is not yet received: wait until the product has read it all off its sockets.
      const total = o.dataSessions * bytes;
      await until(
        "the product read every DATA",
        async () => (await procField(pid, "io", "rchar")) - readAtStart >= total,
        { timeoutMs: 60_000, signal: ctx.signal },
      );
      ctx.progress(`${o.dataSessions} unfinished DATAs of ${o.dataMb} MB received`);

      // 2. Idle connections: greeted, then silent.
      checkNotAborted(ctx);
      const greetedAt = new Map<RawSmtpClient, number>();
      const idleClients = await inBatches(
        Array.from({ length: idle }, (_, i) => i),
        200,
        async () => {
          const c = await RawSmtpClient.connect(world.smtpPort);
          const greeting = await c.read();
          if (greeting?.code !== 220) throw new Error(`idle greeting ${JSON.stringify(greeting)}`);
          greetedAt.set(c, Date.now());
          return c;
        },
      );
      clients.push(...idleClients);
      ctx.progress(`${idle} idle connections open`);
      // Idle for more than the second after which a session that has not logged in may give
      // its place to a newcomer at the cap (SessionLimits.evictUnauthenticatedAfterMs).
      await sleep(1_500, ctx.signal);

      // 3. The server and the flooding hosting are at their caps. One more session of that
      // hosting gets 421 4.7.0 at AUTH; another hosting still gets in (in place of an idle
      // connection that never logged in) and sends.
      const extra = await RawSmtpClient.connect(world.smtpPort);
      clients.push(extra);
      await extra.read();
      await extra.command("EHLO client.test");
      const token = Buffer.from(`\0${serviceName}\0${password}`).toString("base64");
      const perAccount = (await extra.command(`AUTH PLAIN ${token}`)) ?? null;
      if (perAccount?.code !== 421 || !perAccount.lines.join(" ").startsWith("4.7.0")) {
        failures.push(`one more session of the flooding hosting got ${JSON.stringify(perAccount)}`);
      }
      const subject = `calm during the flood ${Date.now().toString(36)}`;
      const calm = await RawSmtpClient.connect(world.smtpPort);
      clients.push(calm);
      let calmReply = "not sent";
      try {
        await calm.login(other, otherPassword);
        await calm.command(`MAIL FROM:<site@${other}>`);
        await calm.command("RCPT TO:<someone@dest.test>");
        await calm.command("DATA");
        calm.write(`${rawMessage({ From: `site@${other}`, Subject: subject })}.\r\n`);
        const r = await calm.read(30_000);
        calmReply = `${r?.code}`;
      } catch (error) {
        calmReply = (error as Error).message;
      }
      calm.close();
      if (calmReply !== "250") failures.push(`the other hosting's message got ${calmReply}`);

      // 4. More newcomers at the cap: each is greeted in place of the oldest idle connection,
      // which gets 421 4.7.0. They stay open until all are answered, so that they keep their
      // places and nobody is counted twice.
      const probeClients: RawSmtpClient[] = [];
      const probes = await Promise.all(
        Array.from({ length: GLOBAL_PROBES }, async () => {
          const c = await RawSmtpClient.connect(world.smtpPort);
          clients.push(c);
          probeClients.push(c);
          const r = await c.read().catch(() => null);
          return r ? `${r.code} ${r.lines.join(" ")}` : "closed";
        }),
      );
      for (const c of probeClients) c.close();
      const greetedProbes = probes.filter((p) => p.startsWith("220")).length;
      if (greetedProbes !== GLOBAL_PROBES) {
        failures.push(`newcomers at the cap: ${probes.join(", ")}`);
      }
      const peakKb = await procField(pid, "status", "VmHWM");
      ctx.progress(
        `at the peak: RSS ${Math.round(peakKb / 1024)} MB; per-account → ${perAccount?.code}, ` +
          `other hosting → ${calmReply}, ${greetedProbes}/${GLOBAL_PROBES} newcomers greeted`,
      );

      // 5. The idle connections that made room were the oldest, with 421 4.7.0; the others
      // are closed, with a 421, after the idle timeout (not before).
      const timeoutMs = o.idleTimeoutSeconds * 1000;
      const endings = await Promise.all(
        idleClients.map(async (c) => {
          const words = await lastWords(c, timeoutMs + 20_000);
          return { words, after: Date.now() - (greetedAt.get(c) ?? 0) };
        }),
      );
      const made = (e: { words: string }) => e.words.startsWith("421 4.7.0");
      const evicted = endings.filter(made).length;
      const oldest = endings.slice(0, evicted).filter(made).length;
      const timedOut = endings.filter((e) => !made(e));
      const early = timedOut.filter((e) => e.after < timeoutMs - 1_000).length;
      const not421 = timedOut.filter((e) => !e.words.startsWith("421")).length;
      if (evicted < GLOBAL_PROBES || evicted > GLOBAL_PROBES + 2 || oldest !== evicted) {
        failures.push(`${evicted} idle connections made room, ${oldest} of them the oldest`);
      }
      if (early > 0) failures.push(`${early} idle connections closed before the idle timeout`);
      if (not421 > 0) failures.push(`${not421} idle connections closed without a 421`);
      for (const c of dataClients) c.close();

      // 6. Afterwards: the API still answers, the other hosting's message was delivered.
      await until("the other hosting's message at the relay", () => counter.update().has(subject), {
        timeoutMs: 30_000,
        signal: ctx.signal,
      }).catch(() => failures.push("the other hosting's message was not delivered"));
      polling = false;
      await poller;
      const rssAfterKb = await procField(pid, "status", "VmRSS");
      if (api.failed > 0) {
        failures.push(
          `the API failed ${api.failed} of ${api.ok + api.failed} times: ${[...api.errors].join(", ")}`,
        );
      }
      if (peakKb / 1024 > o.rssBoundMb) {
        failures.push(
          `peak RSS ${Math.round(peakKb / 1024)} MB over the bound of ${o.rssBoundMb} MB`,
        );
      }
      if (!product.alive()) failures.push(`the product died:\n${product.tail()}`);
      return {
        done:
          `${fmt(idle)} idle + ${o.dataSessions} unfinished DATAs of ${o.dataMb} MB ` +
          `(SMTP_DATA_MEMORY_MB=${o.dataMemoryMb}, cap ${fmt(maxConnections)}): peak RSS ` +
          `${Math.round(peakKb / 1024)} MB (bound ${o.rssBoundMb}; ${Math.round(rssAtStart / 1024)} at ` +
          `start, ${Math.round(rssAfterKb / 1024)} after); API ${api.ok}/${api.ok + api.failed} ` +
          `answered, slowest ${api.slowestMs} ms; per-account 421 4.7.0, other hosting ${calmReply}; ` +
          `${evicted} oldest idle made room for newcomers at the cap (421 4.7.0), the others ` +
          `closed by 421 after ${o.idleTimeoutSeconds} s idle`,
        submitted: o.dataSessions + 1,
        acknowledged: calmReply === "250" ? 1 : 0,
        refused4xx: perAccount?.code === 421 ? 1 : 0,
        delivered: counter.update().has(subject) ? 1 : 0,
        lost: calmReply === "250" && !counter.update().has(subject) ? 1 : 0,
        duplicates: (counter.update().get(subject) ?? 1) - 1,
        failures,
      };
    },
  };
}
