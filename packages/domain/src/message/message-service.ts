import type {
  MessageBody,
  MessageDetail,
  MessageListQuery,
  MessagePage,
  MessageSummary,
} from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { AuditService } from "../audit/audit-service.ts";
import { DomainError } from "../errors.ts";
import { canSee, loadVisibleHosting, ownerFilterOf } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import { isoOrNull } from "../shared/time.ts";
import { isUuid } from "../shared/validation.ts";
import { DEFAULT_MAX_BODY_BYTES, parseMessageBody } from "./message-body.ts";
import { decodeCursor, encodeCursor } from "./message-cursor.ts";
import { givenUpAt } from "./message-expiry.ts";
import { readableHeaders } from "./message-headers.ts";
import type {
  MessageListRow,
  MessagePosition,
  MessageRepository,
  MessageRow,
} from "./message-repository.ts";
import { ANY_MESSAGE, messageFilterOf } from "./message-search.ts";
import { recipientTrace } from "./recipient-trace.ts";
import { replyText } from "./server-reply.ts";

export interface MessageService {
  list(actor: Actor, serviceName: string, query: MessageListQuery): Promise<MessagePage>;
  get(actor: Actor, serviceName: string, id: string): Promise<MessageDetail>;
  /**
   * A message's text, HTML and attachment names. Support must give a reason, audited
   * (`message.read_body`) before the body is returned; a customer reads their own hosting's.
   * Content that was removed (sent past retention, purged, expired) is not_found with its own
   * message; a message larger than the parsing limit is refused.
   */
  body(actor: Actor, serviceName: string, id: string, reason?: string): Promise<MessageBody>;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function toListSummary(m: MessageListRow, maxLifetimeMs: number): MessageSummary {
  return {
    id: m.id,
    acceptedAt: m.acceptedAt,
    from: m.envelopeFrom,
    to: m.recipients,
    subject: m.subject,
    size: m.size,
    status: m.status,
    attempts: m.attempts,
    expiresAt: givenUpAt(m, maxLifetimeMs),
    nextAttemptAt: m.nextAttemptAt,
    script: m.script,
    spam: m.spam,
  };
}

function toSummary(m: MessageRow, maxLifetimeMs: number): MessageSummary {
  return toListSummary(
    {
      ...m,
      acceptedAt: m.acceptedAt.toISOString(),
      expiresAt: m.expiresAt.toISOString(),
      nextAttemptAt: isoOrNull(m.nextAttemptAt),
    },
    maxLifetimeMs,
  );
}

/** The scanner's verdict as stored by the delivery worker (symbols: its top ten, as JSON). */
function spamCheckOf(m: MessageRow): MessageDetail["spamCheck"] {
  if (!m.scannedAt || m.spamScore === null || m.spamAction === null) return null;
  const symbols = Array.isArray(m.spamSymbols) ? (m.spamSymbols as unknown as SpamSymbol[]) : [];
  return {
    scannedAt: m.scannedAt.toISOString(),
    score: m.spamScore,
    action: m.spamAction,
    symbols: symbols.map((s) => ({
      name: String(s.name),
      score: Number(s.score),
      description: s.description ?? null,
    })),
  };
}

interface SpamSymbol {
  name: string;
  score: number;
  description?: string | null;
}

export function createMessageService(deps: {
  hostings: HostingRepository;
  messages: MessageRepository;
  audit: Pick<AuditService, "record">;
  /** The largest stored message whose body is parsed; default the SMTP server's size limit. */
  maxBodyBytes?: number;
  /** How long deferred mail is retried after acceptance (DELIVERY_MAX_HOURS); its expiry shown. */
  maxLifetimeMs: number;
}): MessageService {
  const { hostings, messages, audit, maxLifetimeMs } = deps;
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    async list(actor: Actor, serviceName: string, query: MessageListQuery) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT) || 1, 1), MAX_LIMIT);
      let after: MessagePosition | undefined;
      try {
        after = query.cursor ? decodeCursor(query.cursor) : undefined;
      } catch (error) {
        // a hosting the asker may not see is not found, whatever the cursor
        await loadVisibleHosting(hostings, actor, serviceName);
        throw error;
      }
      const filter = messageFilterOf(query);
      // the access check of loadVisibleHosting, with the page in the same statement
      const found = await messages.pageOf(serviceName, ownerFilterOf(actor), {
        // a search that can match nothing (refused mail is not a message) reads no row
        filter: filter ?? ANY_MESSAGE,
        after,
        take: filter ? limit + 1 : 0,
      });
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      const rows = found.rows;
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      if (rows.length > limit && last) {
        const next = { acceptedAt: new Date(last.acceptedAt), id: last.id };
        return {
          items: items.map((m) => toListSummary(m, maxLifetimeMs)),
          nextCursor: encodeCursor(next),
        };
      }
      // a bounded search that did not fill its page goes on from where it stopped looking
      const edge = filter ? await messages.searchEdge(found.hosting.id, filter, after) : null;
      return {
        items: items.map((m) => toListSummary(m, maxLifetimeMs)),
        nextCursor: edge ? encodeCursor(edge) : null,
        ...(edge ? { searchedUntil: edge.acceptedAt.toISOString() } : {}),
      };
    },

    async get(actor: Actor, serviceName: string, id: string) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const message = isUuid(id) ? await messages.find(hosting.id, id) : null;
      if (!message) throw new DomainError("not_found");
      // support reading a customer's message (addresses, subject, headers) shows in their log
      if (actorRoleOf(actor) === "support") {
        await audit.record({
          actor,
          action: "message.read_detail",
          hostingId: hosting.id,
          details: { messageId: message.id },
        });
      }
      const events = await messages.events(message.id);
      return {
        ...toSummary(message, maxLifetimeMs),
        messageId: message.messageIdHeader,
        source: message.source,
        originatingScript: message.originatingScript,
        sentAt: isoOrNull(message.sentAt),
        headers: message.raw ? readableHeaders(message.raw) : null,
        recipients: recipientTrace(message, events),
        attempts: events.map((e) => ({
          at: e.at.toISOString(),
          recipient: e.recipient,
          outcome: e.outcome,
          code: e.smtpCode,
          text: replyText(e.smtpCode, e.text),
        })),
        spamCheck: spamCheckOf(message),
      };
    },

    async body(actor: Actor, serviceName: string, id: string, reason?: string) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const why = reason?.trim() || null;
      const bySupport = actorRoleOf(actor) === "support";
      if (bySupport && !why) throw new DomainError("reason_required");
      const content = isUuid(id) ? await messages.content(hosting.id, id, maxBodyBytes) : null;
      if (!content) throw new DomainError("not_found");
      if (content.status === "purged" || content.bytes === null) {
        throw new DomainError("not_found", {}, "error.not_found.message_content_removed");
      }
      if (!content.raw) {
        throw new DomainError(
          "validation_failed",
          { size: content.bytes, limit: maxBodyBytes },
          "error.validation_failed.message_too_large",
        );
      }
      if (bySupport) {
        await audit.record({
          actor,
          action: "message.read_body",
          hostingId: hosting.id,
          reason: why,
          details: { messageId: id },
        });
      }
      return parseMessageBody(content.raw);
    },
  };
}
