import { serviceName } from "@scripts-email/contracts";
import {
  buildSendingSettings,
  DEFAULT_SENDING_HOST,
  DEFAULT_SENDING_PORT,
  SENDMAIL_BIN,
  SYSTEM,
  sendingSettingsText,
} from "@scripts-email/domain";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "hosting:sending-settings";

export { SENDMAIL_BIN };

export interface SendingSettingsInput {
  serviceName: string;
  host: string;
  port: number;
}

/** The settings as the command prints them: built by the domain, as the API's are. */
export function sendingSettings({ serviceName: user, host, port }: SendingSettingsInput): string[] {
  return sendingSettingsText(buildSendingSettings(user, { host, port, sendmailBin: SENDMAIL_BIN }));
}

export const hostingSendingSettings = defineCommand({
  name: NAME,
  summary: "print a hosting's settings for PHP's sendmail_path, msmtp and SMTP clients",
  usage: `${NAME} --service-name <domain> [--host 127.0.0.1] [--port 2525]`,
  help: [
    "  --service-name   the hosting's service name, e.g. example.org",
    "  --host           the SMTP server as the site reaches it (default 127.0.0.1)",
    "  --port           its SMTP port (default 2525, the default SMTP_PORT)",
    "",
    "Prints ready settings for PHP's sendmail_path (this checkout's sendmail command, or msmtp)",
    "and for an SMTP client. The password is not printed: only its hash is stored; make one with",
    "hosting:smtp-password.",
  ].join("\n"),
  options: {
    "service-name": { type: "string" },
    host: { type: "string", default: DEFAULT_SENDING_HOST },
    port: { type: "string", default: String(DEFAULT_SENDING_PORT) },
  },
  parse: (v) => ({
    serviceName: option(
      NAME,
      "service-name",
      z.string().trim().toLowerCase().pipe(serviceName),
      v["service-name"],
    ),
    host: option(
      NAME,
      "host",
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.:-]+$/),
      v.host,
    ),
    port: option(NAME, "port", z.coerce.number().int().min(1).max(65535), v.port),
  }),
  async execute(services, input, io) {
    // a hosting that exists, or its error
    const settings = await services.hostings.sendingSettings(SYSTEM, input.serviceName, {
      host: input.host,
      port: input.port,
      sendmailBin: SENDMAIL_BIN,
    });
    for (const line of sendingSettingsText(settings)) io.out(line);
  },
});
