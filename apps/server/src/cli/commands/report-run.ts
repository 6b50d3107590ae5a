import { serviceName } from "@scripts-email/contracts";
import { z } from "zod";
import { englishCount } from "../../english-count.ts";
import { defineCommand, option } from "../command.ts";

const NAME = "report:run";

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a day as YYYY-MM-DD" })
  .refine(
    (s) => {
      const day = new Date(`${s}T00:00:00.000Z`);
      return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(s);
    },
    {
      message: "must be a day that exists, as YYYY-MM-DD",
    },
  );

export const reportRun = defineCommand({
  name: NAME,
  summary: "send the delivery-error reports of one day by hand",
  usage: `${NAME} --date YYYY-MM-DD [--hosting <service name>] [--dry-run]`,
  help: [
    "  --date      the day reported on, in REPORT_TIME_ZONE (the scheduler does yesterday by itself)",
    "  --hosting   only this hosting (default: every hosting with delivery errors that day)",
    "  --dry-run   print the reports (their text part) instead of sending them; records nothing",
    "",
    "A hosting gets at most one report per day: one already sent, by the scheduler or by hand,",
    "is not sent again.",
  ].join("\n"),
  options: {
    date: { type: "string" },
    hosting: { type: "string" },
    "dry-run": { type: "boolean" },
  },
  parse: (v) => ({
    date: option(NAME, "date", date, v.date),
    serviceName:
      v.hosting === undefined
        ? undefined
        : option(NAME, "hosting", z.string().trim().toLowerCase().pipe(serviceName), v.hosting),
    dryRun: v["dry-run"] === true,
  }),
  async execute(services, input, io) {
    const outcomes = await services.reports.run(input.date, {
      ...(input.serviceName ? { serviceName: input.serviceName } : {}),
      dryRun: input.dryRun,
    });
    if (outcomes.length === 0) {
      io.out(
        `No delivery errors on ${input.date}${input.serviceName ? ` for ${input.serviceName}` : ""}: no report.`,
      );
      return;
    }
    for (const o of outcomes) {
      if (o.result === "dry_run") {
        io.out(`--- Report for ${o.serviceName} to ${o.recipient} (dry run, not sent) ---`);
        io.out(`Subject: ${o.subject}`);
        io.out("");
        io.out(o.text ?? "");
      } else if (o.result === "queued") {
        io.out(
          `Queued the report of ${input.date} for ${o.serviceName} to ${o.recipient} (${englishCount(o.errors, "error", "errors")}).`,
        );
      } else {
        io.out(`The report of ${input.date} for ${o.serviceName} was sent before: not sent again.`);
      }
    }
  },
});
