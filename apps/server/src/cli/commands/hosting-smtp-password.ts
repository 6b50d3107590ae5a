import { serviceName } from "@scripts-email/contracts";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "hosting:smtp-password";

export const hostingSmtpPassword = defineCommand({
  name: NAME,
  summary: "set a new random SMTP password for a hosting and print it",
  usage: `${NAME} --service-name <domain>`,
  help: [
    "  --service-name   the hosting's service name, e.g. example.org",
    "",
    "The previous password stops working at once. The new one is printed once (only its hash",
    "is stored); the SMTP user name is the service name.",
  ].join("\n"),
  options: { "service-name": { type: "string" } },
  parse: (v) => ({
    serviceName: option(
      NAME,
      "service-name",
      z.string().trim().toLowerCase().pipe(serviceName),
      v["service-name"],
    ),
  }),
  async execute(services, input, io) {
    const password = await services.hostings.resetSmtpPassword(input.serviceName);
    io.out(`New SMTP password for ${input.serviceName}: ${password}`);
    io.out(`SMTP user name: ${input.serviceName}`);
  },
});
