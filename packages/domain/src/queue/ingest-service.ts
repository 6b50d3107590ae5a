import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { scriptOf } from "../message/script-name.ts";
import { utcDay } from "../shared/time.ts";
import { GroupCommit } from "./group-commit.ts";
import {
  AfterCommitChecks,
  type AfterCommitOptions,
  type BurstRule,
} from "./ingest-after-commit.ts";
import { isPermanentDataError, isStoreFailure, unstorableMessage } from "./ingest-failure.ts";
import type { IngestRepository, NewMessageRow } from "./ingest-repository.ts";
import { summarizeHeaders } from "./raw-message.ts";
import { uuidV7 } from "./uuid-v7.ts";

export interface IncomingMessage {
  hostingId: string;
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  source: "smtp" | "sendmail" | "panel" | "system";
  /** The queue id (a UUID v7) when the caller already wrote it into the message (`Received:`). */
  id?: string;
}

export interface AcceptedMessage {
  id: string;
  status: "queued" | "held";
  /** Why held mail is held: its hosting is blocked, or its script is held (`heldScripts`). */
  heldBy?: "hosting" | "script";
}

export type { BurstRule };

export interface IngestOptions extends AfterCommitOptions {
  holdMs: number;
}

export interface IngestService {
  /** Resolves once the message is committed (SMTP may answer 250), or with its refusal. */
  accept(message: IncomingMessage): Promise<AcceptedMessage>;
  /** Resolves once the checks that follow commits (burst rule, limit warnings) have run. */
  settled(): Promise<void>;
}

/**
 * Stores incoming mail durably. `accept` resolves only after the message is committed, which is
 * when SMTP may answer 250. Concurrent calls are grouped into one transaction.
 *
 * One hosting's message can never cost another's: a batch that fails is stored again in parts
 * (see GroupCommit) so that only a message that fails alone gets an error; if the database
 * refused its data it can never be stored, and it is refused for good (`isUnstorableMessage`,
 * SMTP 554) instead of deferred and sent again forever. The database being away is a 451 for
 * everyone. Nothing after the commit can change a message's answer (see AfterCommitChecks).
 */
export function createIngestService(deps: {
  repo: IngestRepository;
  clock: Clock;
  options: IngestOptions;
}): IngestService {
  const { repo, clock, options } = deps;
  const afterCommit = new AfterCommitChecks(repo, options);

  async function storeBatch(items: IncomingMessage[]): Promise<Array<AcceptedMessage | Error>> {
    const now = clock.now();
    const day = utcDay(now);
    const results = await repo.batch(async (q) => {
      const hostings = await repo.lockHostings(q, [...new Set(items.map((i) => i.hostingId))], day);
      const out: Array<AcceptedMessage | Error> = [];
      const rows: NewMessageRow[] = [];
      const granted = new Map<
        string,
        { left: number; accepted: number; held: number; limit: number }
      >();
      for (const item of items) {
        const hosting = hostings.get(item.hostingId);
        if (!hosting) {
          out.push(new DomainError("not_found"));
          continue;
        }
        let quota = granted.get(hosting.id);
        if (!quota) {
          quota = {
            left: hosting.maxPerDay - hosting.usedToday,
            accepted: 0,
            held: 0,
            limit: hosting.maxPerDay,
          };
          granted.set(hosting.id, quota);
        }
        if (quota.left <= 0) {
          out.push(new DomainError("daily_limit_reached", { limit: hosting.maxPerDay }));
          continue;
        }
        quota.left--;
        quota.accepted++;
        const headers = summarizeHeaders(item.raw);
        const script = scriptOf(headers.originatingScript, item.source);
        // A held script's mail is held as a blocked hosting's is: same expiry, same day count.
        const heldBy =
          hosting.state !== "active"
            ? ("hosting" as const)
            : hosting.heldScripts.length > 0 && hosting.heldScripts.includes(script)
              ? ("script" as const)
              : null;
        const status = heldBy ? "held" : "queued";
        if (status === "held") quota.held++;
        const id = item.id ?? uuidV7(now);
        rows.push({
          id,
          hostingId: hosting.id,
          envelopeFrom: item.envelopeFrom,
          recipients: item.recipients,
          subject: headers.subject,
          messageIdHeader: headers.messageId,
          size: item.raw.length,
          raw: item.raw,
          status,
          expiresAt: new Date(now.getTime() + options.holdMs),
          acceptedAt: now,
          source: item.source,
          originatingScript: headers.originatingScript,
          script,
        });
        out.push(heldBy ? { id, status, heldBy } : { id, status });
      }
      const additions = [...granted]
        .filter(([, g]) => g.accepted > 0)
        .map(([hostingId, g]) => ({ hostingId, accepted: g.accepted, held: g.held }));
      await repo.insertMessages(q, rows, day, additions);
      return { out, granted };
    });
    const queued = items
      .filter((_, i) => (results.out[i] as AcceptedMessage).status === "queued")
      .map((i) => i.hostingId);
    const usage = new Map(
      [...results.granted].map(([hostingId, g]) => [
        hostingId,
        { used: g.limit - Math.max(g.left, 0), limit: g.limit },
      ]),
    );
    // Run after the callers have their answer; it can neither fail nor delay them.
    afterCommit.record({ at: now, day, queued, usage });
    return results.out;
  }

  const batcher = new GroupCommit<IncomingMessage, AcceptedMessage>(
    async (items) => {
      try {
        return await storeBatch(items);
      } catch (error) {
        if (items.length === 1 && isPermanentDataError(error)) {
          options.log?.warn(
            { err: error, hostingId: items[0]!.hostingId },
            "message refused, the database cannot store it",
          );
          return [unstorableMessage(error)];
        }
        if (items.length > 1 && !isStoreFailure(error)) {
          options.log?.warn(
            { err: error, count: items.length },
            "a batch of messages failed, stored again in halves",
          );
        }
        throw error;
      }
    },
    { isStoreFailure },
  );

  return {
    accept: (message) => batcher.submit(message),
    settled: () => afterCommit.settled(),
  };
}
