import { Readable } from "node:stream";
import { errorsExportQuery, messageExportQuery, serviceNameParams } from "@scripts-email/contracts";
import { replyText } from "@scripts-email/domain";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type CsvCell, csvChunks } from "../csv.ts";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const csvFile = z.string().describe("text/csv (RFC 4180), with a header row");

const MESSAGE_COLUMNS = [
  "accepted_at",
  "id",
  "status",
  "from",
  "to",
  "subject",
  "script",
  "size",
  "attempts",
  "sent_at",
  "message_id",
];
const ERROR_COLUMNS = ["at", "outcome", "recipient", "code", "reply", "message", "subject"];

/** Sends `chunks` as a CSV download named `<serviceName>-<what>-<day>.csv`, streamed. */
function sendCsv(
  reply: FastifyReply,
  serviceName: string,
  what: string,
  chunks: AsyncIterable<string>,
) {
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${serviceName}-${what}-${day}.csv"`)
    .send(Readable.from(chunks, { objectMode: false }));
}

const iso = (d: Date | null): CsvCell => (d ? new Date(d).toISOString() : null);

export const exportRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  const description =
    "Streamed as it is read, a batch at a time, newest first, at most 100,000 rows. Cells that a " +
    "spreadsheet would run as a formula (starting with = + - @) are prefixed with `'`. Support's " +
    "export is recorded in the audit log (`email.export`), with its `reason` when given.";

  app.get(
    "/hostings/:serviceName/email/messages.csv",
    {
      schema: {
        tags: ["messages"],
        summary: "A message search as CSV: the list's filters, every matching message",
        description,
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: messageExportQuery,
        produces: ["text/csv"],
        response: { 200: csvFile, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { reason, ...search } = request.query;
      const { serviceName } = request.params;
      const batches = await services.exports.messages(
        actorOf(request),
        serviceName,
        search,
        reason,
      );
      const chunks = csvChunks(MESSAGE_COLUMNS, batches, (m) => [
        iso(m.acceptedAt),
        m.id,
        m.status,
        m.envelopeFrom,
        m.recipients.join(" "),
        m.subject,
        m.script,
        m.size,
        m.attempts,
        iso(m.sentAt),
        m.messageIdHeader,
      ]);
      return sendCsv(reply, serviceName, "messages", chunks);
    },
  );

  app.get(
    "/hostings/:serviceName/email/errors.csv",
    {
      schema: {
        tags: ["email"],
        summary: "The delivery errors as CSV: every failed and deferred attempt",
        description,
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: errorsExportQuery,
        produces: ["text/csv"],
        response: { 200: csvFile, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { serviceName } = request.params;
      const batches = await services.exports.errors(
        actorOf(request),
        serviceName,
        request.query.reason,
      );
      const chunks = csvChunks(ERROR_COLUMNS, batches, (e) => [
        iso(e.at),
        e.outcome,
        e.recipient,
        e.smtpCode,
        // the reply without its code, which has its own column (as the panel and report show it)
        replyText(e.smtpCode, e.text),
        e.messageId,
        e.subject,
      ]);
      return sendCsv(reply, serviceName, "errors", chunks);
    },
  );
};
