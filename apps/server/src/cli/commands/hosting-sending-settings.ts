import { fileURLToPath } from "node:url";
import { serviceName } from "@scripts-email/contracts";
import { SYSTEM } from "@scripts-email/domain";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "hosting:sending-settings";

/** This checkout's sendmail command (apps/server/src/cli/commands → apps/mta/bin/sendmail). */
export const SENDMAIL_BIN = fileURLToPath(new URL("../../../../mta/bin/sendmail", import.meta.url));

export interface SendingSettingsInput {
  serviceName: string;
  host: string;
  port: number;
}

/**
 * The settings as text. The SMTP password is stored only as a hash, so it is never printed here:
 * a placeholder stands for it, and hosting:smtp-password makes a new one.
 */
export function sendingSettings({ serviceName: user, host, port }: SendingSettingsInput): string[] {
  const passwordFile = `/path/to/${user}.smtp-password`;
  return [
    `Sending settings for ${user} (SMTP user name: ${user}).`,
    "The SMTP password is stored only as a hash and is not shown here: make one with",
    `  pnpm cli hosting:smtp-password --service-name ${user}   (the previous one stops working)`,
    "and put it where <password> or the password file below stands.",
    "",
    "PHP mail() through Scripts-email's sendmail (php.ini or the site's PHP-FPM pool):",
    `  sendmail_path = "${SENDMAIL_BIN} -t -i"`,
    `  with SCRIPTS_EMAIL_HOST=${host} SCRIPTS_EMAIL_PORT=${port} SCRIPTS_EMAIL_USER=${user}`,
    "  SCRIPTS_EMAIL_PASSWORD=<password> in its environment, or the same as host, port, user",
    "  and password lines in a file named by SCRIPTS_EMAIL_CONFIG (readable by the site only).",
    "",
    "PHP mail() through msmtp (AUTH PLAIN without TLS: only to a server on this machine):",
    `  sendmail_path = "msmtp --host=${host} --port=${port} --tls=off --auth=plain --user=${user} --passwordeval='cat ${passwordFile}' --read-envelope-from -t"`,
    "",
    "An SMTP client (PHPMailer, Symfony Mailer, WordPress SMTP plugins…):",
    `  host ${host}, port ${port}, user name ${user}, password <password>, AUTH PLAIN or LOGIN;`,
    "  no encryption on this machine, STARTTLS from anywhere else (the password is never sent in",
    "  clear off this machine).",
  ];
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
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "2525" },
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
    await services.hostings.get(SYSTEM, input.serviceName); // a hosting that exists, or its error
    for (const line of sendingSettings(input)) io.out(line);
  },
});
