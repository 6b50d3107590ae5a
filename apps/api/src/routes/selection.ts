import {
  jobParams,
  selectionAccepted,
  selectionCount,
  selectionJob,
  selectionJobList,
  selectionRequest,
  serviceNameParams,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/email";

export const selectionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.post(
    `${base}/selection`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Count, release or delete the mail a filter selects",
        description:
          "`filter`: every field given must match; none given selects all the held, spam and " +
          "queued mail (never mail being sent or finished). `status` is `held` (not spam), " +
          "`spam` (held as spam) or `queued`, one or several; `recipient` is an address or " +
          "`@domain`; `subject` contains, case-insensitive; `from`/`to` bound the acceptance " +
          "time (`to` excluded); `ids` selects single messages. `count` answers 200 `{matched}` " +
          "and changes nothing. `release` and `delete` answer 202 `{jobId, matched}`: a job " +
          "does it in batches, its progress at `GET …/email/jobs/{jobId}`. Release makes held " +
          "mail due now and marks it released: it goes out even while sending is blocked or its " +
          "script held. Delete marks the mail `purged` (listable, content removed, counted in " +
          "the day's purged mail) until retention deletes it. Support must give a `reason`. " +
          "Mail flagged as spam: a customer cannot release it (403 `spam_release_forbidden` " +
          "when the filter asks for status `spam` or its `ids` include some), and a customer's " +
          "release without a status covers held and queued mail but skips spam; support may " +
          "release it, with a reason. Every release and delete is audited.",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: selectionRequest,
        response: { 200: selectionCount, 202: selectionAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await services.selection.select(
        actorOf(request),
        request.params.serviceName,
        request.body,
      );
      return reply.code(request.body.action === "count" ? 200 : 202).send(answer);
    },
  );

  app.get(
    `${base}/jobs`,
    {
      schema: {
        tags: ["hostings"],
        summary: "The latest release and delete jobs (20), newest first",
        description:
          "Who asked (support staff are anonymous to customers), the filter, the reason, how " +
          "many messages matched and how many are done.",
        security: SIGNED_IN,
        params: serviceNameParams,
        response: { 200: selectionJobList, ...errorResponses },
      },
    },
    async (request) => services.selection.jobs(actorOf(request), request.params.serviceName),
  );

  app.get(
    `${base}/jobs/:jobId`,
    {
      schema: {
        tags: ["hostings"],
        summary: "One release or delete job and its progress",
        description:
          "`state` is `running` until every batch is done (`done` grows after each), then " +
          "`finished`, or `failed`. `done` may end below `matched` when some mail left the " +
          "selection meanwhile (sent, expired, or handled by another action).",
        security: SIGNED_IN,
        params: jobParams,
        response: { 200: selectionJob, ...errorResponses },
      },
    },
    async (request) =>
      services.selection.job(actorOf(request), request.params.serviceName, request.params.jobId),
  );
};
