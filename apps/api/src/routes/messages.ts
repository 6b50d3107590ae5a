import {
  messageBody,
  messageBodyQuery,
  messageDetail,
  messageListQuery,
  messagePage,
  messageParams,
  serviceNameParams,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

export const messageRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/hostings/:serviceName/email/messages",
    {
      schema: {
        tags: ["messages"],
        summary: "A hosting's messages, newest first, a page at a time",
        description:
          "Pass the previous page's `nextCursor` as `cursor` to get the next page. Filters: `q` " +
          "(a sender or recipient address or a Message-ID, exact, or a piece of the subject), " +
          "`script`, `recipient`, `from`/`to` (acceptance time) and `outcome` (`refused` mail was " +
          "never accepted: an empty page; see `GET …/email/refusals`). `status`, `outcome`, " +
          "`script` and the times are answered by the hosting's indexes; `q`, `recipient` and " +
          "the deferred and in-progress outcomes read at most 20,000 messages a page, and a page " +
          "they could not fill says how far back it looked (`searchedUntil`).",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: messageListQuery,
        response: { 200: messagePage, ...errorResponses },
      },
    },
    async (request) =>
      services.messages.list(actorOf(request), request.params.serviceName, request.query),
  );

  app.get(
    "/hostings/:serviceName/email/messages/:id",
    {
      schema: {
        tags: ["messages"],
        summary: "One message: headers, recipients and delivery attempts",
        security: SIGNED_IN,
        params: messageParams,
        response: { 200: messageDetail, ...errorResponses },
      },
    },
    async (request) =>
      services.messages.get(actorOf(request), request.params.serviceName, request.params.id),
  );

  app.get(
    "/hostings/:serviceName/email/messages/:id/body",
    {
      schema: {
        tags: ["messages"],
        summary: "One message's content: text part, HTML part and attachment names",
        description:
          "Support must give a `reason`, recorded in the audit log before the content is returned; " +
          "a customer reads their own hosting's mail. Attachments are listed by name, type and size, " +
          "never with their content. The HTML part is returned as sent: render it in a sandboxed " +
          "frame or as text, never as a page's own markup. 404 once the content was removed " +
          "(after delivery retention, expiry or purge).",
        security: SIGNED_IN,
        params: messageParams,
        querystring: messageBodyQuery,
        response: { 200: messageBody, ...errorResponses },
      },
    },
    async (request) =>
      services.messages.body(
        actorOf(request),
        request.params.serviceName,
        request.params.id,
        request.query.reason,
      ),
  );
};
