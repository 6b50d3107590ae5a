import { MAX_DAILY_LIMIT, reason as reasonSchema, serviceName } from "@scripts-email/contracts";
import { SYSTEM } from "@scripts-email/domain";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "hosting:daily-limit";

export const hostingDailyLimit = defineCommand({
  name: NAME,
  summary: "change how many messages a hosting may have accepted per day, with a reason",
  usage: `${NAME} --service-name <domain> --limit <0..${MAX_DAILY_LIMIT}> --reason <text>`,
  help: [
    "  --service-name   the hosting's service name, e.g. example.org",
    `  --limit          messages accepted per UTC day, 0 to ${MAX_DAILY_LIMIT} (0 refuses all)`,
    "  --reason         why, kept in the audit log with the old and new limit (e.g. a ticket)",
    "",
    "Applies to the next submission: the mail accepted today counts against the new limit.",
    "Once reached, further mail is refused with 452 until midnight UTC.",
  ].join("\n"),
  options: {
    "service-name": { type: "string" },
    limit: { type: "string" },
    reason: { type: "string" },
  },
  parse: (v) => ({
    serviceName: option(
      NAME,
      "service-name",
      z.string().trim().toLowerCase().pipe(serviceName),
      v["service-name"],
    ),
    limit: option(
      NAME,
      "limit",
      z
        .string()
        .trim()
        .regex(/^\d+$/, { message: "must be a whole number" })
        .transform(Number)
        .pipe(z.number().int().min(0).max(MAX_DAILY_LIMIT)),
      v.limit,
    ),
    reason: option(NAME, "reason", reasonSchema, v.reason),
  }),
  async execute(services, input, io) {
    const before = await services.hostings.get(SYSTEM, input.serviceName);
    const after = await services.hostings.setDailyLimit(
      SYSTEM,
      input.serviceName,
      input.limit,
      input.reason,
    );
    io.out(
      before.maxPerDay === after.maxPerDay
        ? `The daily limit of ${after.serviceName} is already ${after.maxPerDay}: nothing changed.`
        : `The daily limit of ${after.serviceName} is now ${after.maxPerDay} (was ${before.maxPerDay}).`,
    );
  },
});
