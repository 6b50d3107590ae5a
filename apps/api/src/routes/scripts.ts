import {
  heldScriptList,
  heldScriptRequest,
  scriptList,
  scriptsQuery,
  serviceNameParams,
} from "@scripts-email/contracts";
import type { ScriptDays } from "@scripts-email/domain";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/email/scripts";

const heldDescription =
  "`script` as the per-script view names it (X-PHP-Originating-Script without its uid, or " +
  "`smtp`, `sendmail`…). Support must give a `reason`; every change is audited. Answers the " +
  "hosting's held scripts now; a change that changes nothing answers the same.";

export const scriptRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    base,
    {
      schema: {
        tags: ["hostings"],
        summary: "The hosting's mail by the script that sent it, over the last 1, 7 or 30 days",
        description:
          "UTC days, today included. Per script: accepted, sent, failed (or expired), held now " +
          "(not spam), held as spam, refused at submission. Largest volume (accepted + refused) " +
          "first, at most 200; `heldScripts` lists every held script, with mail or not.",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: scriptsQuery,
        response: { 200: scriptList, ...errorResponses },
      },
    },
    async (request) =>
      services.scripts.list(
        actorOf(request),
        request.params.serviceName,
        request.query.days as ScriptDays,
      ),
  );

  app.put(
    `${base}/held`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Hold a script: its new mail is held while the rest of the site sends",
        description: `${heldDescription} At most 100 held scripts.`,
        security: SIGNED_IN,
        params: serviceNameParams,
        body: heldScriptRequest,
        response: { 200: heldScriptList, ...errorResponses },
      },
    },
    async (request) =>
      services.scripts.hold(
        actorOf(request),
        request.params.serviceName,
        request.body.script,
        request.body.reason,
      ),
  );

  app.delete(
    `${base}/held`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Resume a held script: its new mail is sent again",
        description: `${heldDescription} While sending is active, the release job then sends the mail held from it too.`,
        security: SIGNED_IN,
        params: serviceNameParams,
        body: heldScriptRequest,
        response: { 200: heldScriptList, ...errorResponses },
      },
    },
    async (request) =>
      services.scripts.unhold(
        actorOf(request),
        request.params.serviceName,
        request.body.script,
        request.body.reason,
      ),
  );
};
