import { reason as reasonSchema, serviceName } from "@scripts-email/contracts";
import { normalizeSenderDomain, SYSTEM } from "@scripts-email/domain";
import { z } from "zod";
import { defineCommand, option, UsageError } from "../command.ts";

const NAME = "hosting:sender-domains";

/** `--add a.com,b.com`: each domain normalised here, so a typo stops before the database. */
function domains(flag: "add" | "remove", value: string | boolean | undefined): string[] {
  if (value === undefined) return [];
  const list = String(value)
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  if (list.length === 0) throw new UsageError(`--${flag} needs a domain`, NAME);
  return list.map((d) => {
    const domain = normalizeSenderDomain(d);
    if (domain === null) {
      throw new UsageError(
        `--${flag} "${d}" is not a domain (no wildcards, IP addresses or single labels)`,
        NAME,
      );
    }
    return domain;
  });
}

export const hostingSenderDomains = defineCommand({
  name: NAME,
  summary: "list, add or remove the extra domains a hosting may send from",
  usage: `${NAME} --service-name <domain> [--add <domain,…>] [--remove <domain,…>] [--reason <text>]`,
  help: [
    "  --service-name   the hosting's service name, e.g. example.org",
    "  --add            domains to allow, comma-separated (each with its subdomains)",
    "  --remove         domains to take away, comma-separated",
    "  --reason         why, kept in the audit log (e.g. a ticket number)",
    "",
    "A hosting may always send from its service name and its subdomains (MAIL FROM and the",
    "From: header); add a domain only once its owner has shown it is theirs. Without --add or",
    "--remove the list is printed. Changes are audited and apply to new SMTP logins within",
    "5 seconds.",
  ].join("\n"),
  options: {
    "service-name": { type: "string" },
    add: { type: "string" },
    remove: { type: "string" },
    reason: { type: "string" },
  },
  parse: (v) => ({
    serviceName: option(
      NAME,
      "service-name",
      z.string().trim().toLowerCase().pipe(serviceName),
      v["service-name"],
    ),
    add: domains("add", v.add),
    remove: domains("remove", v.remove),
    reason: v.reason === undefined ? undefined : option(NAME, "reason", reasonSchema, v.reason),
  }),
  async execute(services, input, io) {
    const result =
      input.add.length + input.remove.length === 0
        ? await services.hostings.senderDomains(SYSTEM, input.serviceName)
        : await services.hostings.changeSenderDomains(SYSTEM, input.serviceName, {
            add: input.add,
            remove: input.remove,
            ...(input.reason ? { reason: input.reason } : {}),
          });
    io.out(`${result.serviceName} may send from ${result.serviceName} and its subdomains`);
    io.out(
      result.domains.length === 0
        ? "No other sender domains."
        : `Other sender domains (with their subdomains): ${result.domains.join(", ")}`,
    );
  },
});
