import {
  createHostingNote,
  hostingNote,
  hostingNoteList,
  hostingNoteParams,
  serviceNameParams,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/notes";
const customers404 =
  "Customers get 404 on every notes route, even on their own hosting: that notes exist never " +
  "shows, and their audit entries are left out of the customer's activity log.";

export const hostingNoteRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    base,
    {
      schema: {
        tags: ["support"],
        summary: "Support only: the hosting's internal notes, newest first (the newest 200)",
        description: customers404,
        security: SIGNED_IN,
        params: serviceNameParams,
        response: { 200: hostingNoteList, ...errorResponses },
      },
    },
    async (request) => services.notes.list(actorOf(request), request.params.serviceName),
  );

  app.post(
    base,
    {
      schema: {
        tags: ["support"],
        summary: "Support only: add an internal note to the hosting (audited)",
        description:
          "The body is trimmed, 1 to 2,000 characters, kept as plain text; audited as " +
          `\`hosting.note_added\`. ${customers404}`,
        security: SIGNED_IN,
        params: serviceNameParams,
        body: createHostingNote,
        response: { 201: hostingNote, ...errorResponses },
      },
    },
    async (request, reply) => {
      const note = await services.notes.create(
        actorOf(request),
        request.params.serviceName,
        request.body.body,
      );
      return reply.code(201).send(note);
    },
  );

  app.delete(
    `${base}/:noteId`,
    {
      schema: {
        tags: ["support"],
        summary: "Support only: delete an internal note (audited with its text)",
        description:
          "Any support user may delete any note; audited as `hosting.note_deleted` with the " +
          `note's text and author, so nothing is lost silently. ${customers404}`,
        security: SIGNED_IN,
        params: hostingNoteParams,
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await services.notes.remove(
        actorOf(request),
        request.params.serviceName,
        request.params.noteId,
      );
      return reply.code(204).send();
    },
  );
};
