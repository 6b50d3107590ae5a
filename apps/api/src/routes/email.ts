import {
  dailyVolumeList,
  deliveryErrorList,
  emailRequest,
  emailStatus,
  errorsQuery,
  historyQuery,
  reportSummaryList,
  reportsQuery,
  serviceNameParams,
  stateChangeList,
  testEmailRequest,
  testEmailResult,
  updateEmailSettings,
  volumesQuery,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const base = "/hostings/:serviceName/email";

export const emailRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    base,
    {
      schema: {
        tags: ["hostings"],
        summary: "The Scripts-email panel of a hosting: state and counters",
        security: SIGNED_IN,
        params: serviceNameParams,
        response: { 200: emailStatus, ...errorResponses },
      },
    },
    async (request) => services.email.status(actorOf(request), request.params.serviceName),
  );

  app.put(
    base,
    {
      schema: {
        tags: ["hostings"],
        summary: "Change the address that receives the daily error report and alerts",
        description:
          "`alertWebhookUrl` (optional): alerts are also posted there as JSON " +
          "`{kind, serviceName, at, details, locale, subject, text}` (subject and text in the " +
          "owner's language); null removes it, absent leaves it as it is. " +
          "`alertsOff` (optional): the whole list of alert kinds the hosting does not want, " +
          "neither mailed nor posted (`[]`: every kind), audited as `email.alerts`. " +
          "Internal addresses are refused (see docs/webhooks.md). A new URL, or " +
          "`rotateAlertWebhookSecret: true`, makes a new signing key, returned once as " +
          "`alertWebhookSecret` in this answer and never shown again.",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: updateEmailSettings,
        response: { 200: emailStatus, ...errorResponses },
      },
    },
    async (request) =>
      services.email.updateSettings(actorOf(request), request.params.serviceName, request.body),
  );

  app.post(
    `${base}/requests`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Block, purge or unblock sending",
        description:
          "Purge is only possible while blocked. An illegal transition answers 409 " +
          "`invalid_transition`; support must give a `reason`. Unblocking follows the block's " +
          "cause (the status's `unblock` says beforehand): a customer gets 409 " +
          "`blocked_by_support` for a support block and 409 `spam_not_purged` for a spam block " +
          "while mail flagged as spam is held; unblocking a bounce block doubles the bounce " +
          "threshold for 24 hours.",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: emailRequest,
        response: { 202: emailStatus, ...errorResponses },
      },
    },
    async (request, reply) => {
      const status = await services.email.request(
        actorOf(request),
        request.params.serviceName,
        request.body.action,
        request.body.reason,
      );
      return reply.code(202).send(status);
    },
  );

  app.post(
    `${base}/test`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Send a test e-mail through the hosting's own path",
        description:
          "Accepted like any mail of the site: queued, or held while sending is blocked; it " +
          "counts against the daily limit. An address on the hosting's suppression list is " +
          "refused with 409 `recipient_suppressed` (remove it from the list first).",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: testEmailRequest,
        response: { 202: testEmailResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await services.email.sendTest(
        actorOf(request),
        request.params.serviceName,
        request.body.to,
      );
      return reply.code(202).send(result);
    },
  );

  app.get(
    `${base}/errors`,
    {
      schema: {
        tags: ["hostings"],
        summary: "The latest delivery errors, newest first",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: errorsQuery,
        response: { 200: deliveryErrorList, ...errorResponses },
      },
    },
    async (request) =>
      services.email.errors(actorOf(request), request.params.serviceName, request.query.limit),
  );

  app.get(
    `${base}/volumes`,
    {
      schema: {
        tags: ["hostings"],
        summary: "Mail sent and errors per day",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: volumesQuery,
        response: { 200: dailyVolumeList, ...errorResponses },
      },
    },
    async (request) =>
      services.email.volumes(actorOf(request), request.params.serviceName, request.query.days),
  );

  app.get(
    `${base}/reports`,
    {
      schema: {
        tags: ["hostings"],
        summary: "The last nightly error reports, newest day first",
        description:
          "One per day with delivery errors: the day, where it was sent, how many errors, and " +
          "the delivery status of the report itself.",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: reportsQuery,
        response: { 200: reportSummaryList, ...errorResponses },
      },
    },
    async (request) =>
      services.reports.list(actorOf(request), request.params.serviceName, request.query.limit),
  );

  app.get(
    `${base}/history`,
    {
      schema: {
        tags: ["hostings"],
        summary:
          "The state changes, newest first: the latest `limit` (200 when not given), or those older than the change `before`",
        security: SIGNED_IN,
        params: serviceNameParams,
        querystring: historyQuery,
        response: { 200: stateChangeList, ...errorResponses },
      },
    },
    async (request) =>
      services.email.history(actorOf(request), request.params.serviceName, request.query),
  );
};
