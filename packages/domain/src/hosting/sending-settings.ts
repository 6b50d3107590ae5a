import { fileURLToPath } from "node:url";
import type { SendingSettings } from "@scripts-email/contracts";

/** This checkout's sendmail command (packages/domain/src/hosting → apps/mta/bin/sendmail). */
export const SENDMAIL_BIN = fileURLToPath(
  new URL("../../../../apps/mta/bin/sendmail", import.meta.url),
);

/** Where a site reaches the SMTP server, and this installation's sendmail command. */
export interface SendingEndpoint {
  host: string;
  port: number;
  /** Absolute path of the product's sendmail command (apps/mta/bin/sendmail). */
  sendmailBin: string;
}

/** The SMTP server as a site on this machine reaches it, unless the operator says otherwise. */
export const DEFAULT_SENDING_HOST = "127.0.0.1";
/** The default SMTP_PORT. */
export const DEFAULT_SENDING_PORT = 2525;

/** Stands for the password wherever it is not given. */
export const PASSWORD_PLACEHOLDER = "<password>";

/**
 * The ready-made settings for PHP's sendmail_path (the product's sendmail, or msmtp) and for an
 * SMTP client: the one place they are built, for the CLI and the API alike. The SMTP password is
 * stored only as a hash, so it is never part of them: `<password>` and a password file stand
 * for it (the panel fills it in only right after a reset).
 */
export function buildSendingSettings(
  serviceName: string,
  { host, port, sendmailBin }: SendingEndpoint,
): SendingSettings {
  const user = serviceName;
  const passwordFile = `/path/to/${user}.smtp-password`;
  return {
    serviceName,
    user,
    host,
    port,
    phpSendmailPath: `sendmail_path = "${sendmailBin} -t -i"`,
    phpSendmailEnvironment: `SCRIPTS_EMAIL_HOST=${host} SCRIPTS_EMAIL_PORT=${port} SCRIPTS_EMAIL_USER=${user} SCRIPTS_EMAIL_PASSWORD=${PASSWORD_PLACEHOLDER}`,
    msmtpSendmailPath: `sendmail_path = "msmtp --host=${host} --port=${port} --tls=off --auth=plain --user=${user} --passwordeval='cat ${passwordFile}' --read-envelope-from -t"`,
    passwordFile,
    smtpClient: [
      `host: ${host}`,
      `port: ${port}`,
      `user name: ${user}`,
      `password: ${PASSWORD_PLACEHOLDER}`,
      "authentication: PLAIN or LOGIN",
      "encryption: none on this machine, STARTTLS from anywhere else",
    ].join("\n"),
  };
}

/** The same settings as the CLI prints them, with what each one is for. */
export function sendingSettingsText(settings: SendingSettings): string[] {
  const { user } = settings;
  return [
    `Sending settings for ${user} (SMTP user name: ${user}).`,
    "The SMTP password is stored only as a hash and is not shown here: make one with",
    `  pnpm cli hosting:smtp-password --service-name ${user}   (the previous one stops working)`,
    `and put it where ${PASSWORD_PLACEHOLDER} or the password file below stands.`,
    "",
    "PHP mail() through Scripts-email's sendmail (php.ini or the site's PHP-FPM pool):",
    `  ${settings.phpSendmailPath}`,
    `  with ${settings.phpSendmailEnvironment} in its environment,`,
    "  or the same as host, port, user and password lines in a file named by",
    "  SCRIPTS_EMAIL_CONFIG (readable by the site only).",
    "",
    "PHP mail() through msmtp (AUTH PLAIN without TLS: only to a server on this machine):",
    `  ${settings.msmtpSendmailPath}`,
    "",
    "An SMTP client (PHPMailer, Symfony Mailer, WordPress SMTP plugins…):",
    ...settings.smtpClient.split("\n").map((line) => `  ${line}`),
    "  (the password is never sent in clear off this machine).",
  ];
}
