import {
  dailyLimit,
  dailyLimitRequest,
  refusalList,
  refusalsQuery,
  serviceNameParams,
} from "@scripts-email/contracts";
import type { RefusalDays } from "@scripts-email/domain";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/email";

/** What the SMTP ingest refused, and the daily limit behind the most common refusal. */
export const refusalRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    `${base}/refusals`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Submissions refused over the last 1, 7 or 30 days, per day, script and reason",
        description:
          "UTC days, today included. Reasons: `daily_limit` (452), `size` (552), " +
          "`sender_domain` (553), `from_header`, `message` (malformed), `storage` (554), " +
          "`auth` (a failed login with the hosting's name), `suppressed` (a recipient on the " +
          "suppression list). Newest day first, then the most refused, at most 500 rows: " +
          "`truncated` says when more exist, `total` counts them all. A hosting keeps at most " +
          "50 script names a day; the refusals of further scripts are under `(other)`.",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: refusalsQuery,
        response: { 200: refusalList, ...errorResponses },
      },
    },
    async (request) =>
      services.refusals.list(
        actorOf(request),
        request.params.serviceName,
        request.query.days as RefusalDays,
      ),
  );

  app.put(
    `${base}/daily-limit`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Change the hosting's daily limit (support only, with a reason)",
        description:
          "`maxPerDay` from 0 (all new mail refused) to 1,000,000 messages accepted per UTC day. " +
          "It applies to the next submission: mail accepted today counts against it (the " +
          "status's `acceptedToday`). Customers get 403 on their own hostings; every change is " +
          "audited (`hosting.daily_limit`, from and to).",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: dailyLimitRequest,
        response: { 200: dailyLimit, ...errorResponses },
      },
    },
    async (request) =>
      services.hostings.setDailyLimit(
        actorOf(request),
        request.params.serviceName,
        request.body.maxPerDay,
        request.body.reason,
      ),
  );
};
