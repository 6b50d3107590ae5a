import {
  sendingSettings,
  serviceNameParams,
  smtpPasswordRequest,
  smtpPasswordReset,
} from "@scripts-email/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { sendingConfigOf } from "../sending-config.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

/** How a site sends through its hosting: the settings, and a new SMTP password. */
export const hostingSendingRoutes: FastifyPluginAsyncZod<RouteOptions> = async (
  app,
  { services, config },
) => {
  const sending = sendingConfigOf(config);

  app.get(
    "/hostings/:serviceName/email/sending-settings",
    {
      schema: {
        tags: ["email"],
        summary: "Ready-made settings for PHP's sendmail_path, msmtp and an SMTP client",
        description:
          "The same settings as the CLI's `hosting:sending-settings`. The SMTP password is " +
          "stored only as a hash, so it is never included: `<password>` stands for it.",
        security: SIGNED_IN,
        params: serviceNameParams,
        response: { 200: sendingSettings, ...errorResponses },
      },
    },
    async (request) =>
      services.hostings.sendingSettings(
        actorOf(request),
        request.params.serviceName,
        sending.endpoint,
      ),
  );

  app.post(
    "/hostings/:serviceName/email/smtp-password",
    {
      schema: {
        tags: ["email"],
        summary: "Set a new random SMTP password, returned only in this answer",
        description:
          "The previous password is refused by every new SMTP login from now on; a process that " +
          "accepted it moments ago trusts that login for at most `oldPasswordRefusedWithinSeconds` " +
          "(its login cache). Support must give a `reason`; audited as `hosting.smtp_password`.",
        security: SIGNED_IN,
        params: serviceNameParams,
        body: smtpPasswordRequest,
        response: { 200: smtpPasswordReset, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { serviceName } = request.params;
      const password = await services.hostings.changeSmtpPassword(
        actor,
        serviceName,
        request.body.reason,
      );
      return {
        password,
        oldPasswordRefusedWithinSeconds: sending.loginCacheSeconds,
        settings: await services.hostings.sendingSettings(actor, serviceName, sending.endpoint),
      };
    },
  );
};
