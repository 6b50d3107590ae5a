import { emailAddress, serviceName } from "@scripts-email/contracts";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "hosting:create";
const maxPerDay = z.coerce
  .number({ message: "must be a whole number" })
  .int({ message: "must be a whole number" })
  .min(0, { message: "must be 0 or more" })
  .max(10_000_000, { message: "must be at most 10000000" });

export const hostingCreate = defineCommand({
  name: NAME,
  summary: "create a hosting owned by an existing customer",
  usage: `${NAME} --service-name <domain> --owner <email> --report-recipient <email> [--max-per-day N]`,
  help: [
    "  --service-name       the hosting's service name, e.g. example.org (unique)",
    "  --owner              e-mail address of an existing user (see user:create)",
    "  --report-recipient   address that gets the daily delivery-error report",
    "  --max-per-day        daily sending limit (default 1000)",
    "",
    "Then give the site its SMTP password with hosting:smtp-password.",
  ].join("\n"),
  options: {
    "service-name": { type: "string" },
    owner: { type: "string" },
    "report-recipient": { type: "string" },
    "max-per-day": { type: "string" },
  },
  parse: (v) => ({
    serviceName: option(
      NAME,
      "service-name",
      z.string().trim().toLowerCase().pipe(serviceName),
      v["service-name"],
    ),
    ownerEmail: option(NAME, "owner", emailAddress, v.owner),
    reportRecipient: option(NAME, "report-recipient", emailAddress, v["report-recipient"]),
    maxPerDay:
      v["max-per-day"] === undefined
        ? undefined
        : option(NAME, "max-per-day", maxPerDay, v["max-per-day"]),
  }),
  async execute(services, input, io) {
    const hosting = await services.hostings.create(input);
    io.out(
      `Created hosting ${hosting.serviceName} (owner ${hosting.ownerEmail}, report recipient ${hosting.reportRecipient}, at most ${hosting.maxPerDay} messages a day).`,
    );
    io.out(
      `Give it an SMTP password with: pnpm cli hosting:smtp-password --service-name ${hosting.serviceName}`,
    );
  },
});
