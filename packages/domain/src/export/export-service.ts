import type { MessageSearch } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { AuditService } from "../audit/audit-service.ts";
import { loadVisibleHosting } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import type {
  MessageExportRow,
  MessagePosition,
  MessageRepository,
} from "../message/message-repository.ts";
import { messageFilterOf } from "../message/message-search.ts";
import type { ErrorExportRow, EventPosition, ExportRepository } from "./export-repository.ts";

/** The most rows one export holds: the newest ones. */
export const EXPORT_MAX_ROWS = 100_000;
const BATCH_ROWS = 1_000;

/** An export's rows, read a batch at a time as they are consumed: never all in memory. */
export type ExportBatches<T> = AsyncIterable<T[]>;

export interface ExportService {
  /**
   * A hosting's messages matching a search (the list's filters), newest first, at most
   * `EXPORT_MAX_ROWS`. Access is checked, and support's export audited (`email.export`), before
   * the first row is read.
   */
  messages(
    actor: Actor,
    serviceName: string,
    search: MessageSearch,
    reason?: string,
  ): Promise<ExportBatches<MessageExportRow>>;
  /** A hosting's failed and deferred deliveries, newest first, at most `EXPORT_MAX_ROWS`. */
  errors(
    actor: Actor,
    serviceName: string,
    reason?: string,
  ): Promise<ExportBatches<ErrorExportRow>>;
}

export function createExportService(deps: {
  hostings: HostingRepository;
  messages: MessageRepository;
  exports: ExportRepository;
  audit: Pick<AuditService, "record">;
  /** Default `EXPORT_MAX_ROWS`; tests use fewer. */
  maxRows?: number;
  /** Rows per statement; default 1,000. */
  batchRows?: number;
}): ExportService {
  const { hostings, messages, exports, audit } = deps;
  const maxRows = deps.maxRows ?? EXPORT_MAX_ROWS;
  const batchRows = deps.batchRows ?? BATCH_ROWS;

  async function opened(
    actor: Actor,
    serviceName: string,
    what: "messages" | "errors",
    reason: string | undefined,
    details: Record<string, unknown> = {},
  ) {
    const hosting = await loadVisibleHosting(hostings, actor, serviceName);
    if (actorRoleOf(actor) === "support") {
      await audit.record({
        actor,
        action: "email.export",
        hostingId: hosting.id,
        reason: reason?.trim() || null,
        details: { what, ...details },
      });
    }
    return hosting;
  }

  return {
    async messages(actor, serviceName, search, reason) {
      const filters = Object.fromEntries(Object.entries(search).filter(([, v]) => v !== undefined));
      const hosting = await opened(actor, serviceName, "messages", reason, { filters });
      const filter = messageFilterOf(search);
      return {
        async *[Symbol.asyncIterator]() {
          if (!filter) return;
          let after: MessagePosition | undefined;
          let left = maxRows;
          while (left > 0) {
            const take = Math.min(batchRows, left);
            const rows = await messages.exportBatch(hosting.id, filter, after, take);
            if (rows.length > 0) yield rows;
            left -= rows.length;
            const last = rows.at(-1);
            if (rows.length === take && last) {
              after = { acceptedAt: last.acceptedAt, id: last.id };
              continue;
            }
            // a bounded search that found fewer goes on from where it stopped looking
            const edge = await messages.searchEdge(hosting.id, filter, after);
            if (!edge) return;
            after = edge;
          }
        },
      };
    },

    async errors(actor, serviceName, reason) {
      const hosting = await opened(actor, serviceName, "errors", reason);
      return {
        async *[Symbol.asyncIterator]() {
          let after: EventPosition | undefined;
          let left = maxRows;
          while (left > 0) {
            const take = Math.min(batchRows, left);
            const rows = await exports.errorsBatch(hosting.id, after, take);
            if (rows.length > 0) yield rows;
            left -= rows.length;
            const last = rows.at(-1);
            if (rows.length < take || !last) return;
            after = { at: last.at, id: last.id };
          }
        },
      };
    },
  };
}
