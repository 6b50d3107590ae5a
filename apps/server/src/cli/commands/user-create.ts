import { emailAddress, locale, userRole } from "@scripts-email/contracts";
import { MIN_PASSWORD_LENGTH } from "@scripts-email/domain";
import { z } from "zod";
import { defineCommand, option } from "../command.ts";

const NAME = "user:create";
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(1024, { message: "must be at most 1024 characters" });

const role = z.enum(userRole.options, {
  message: `must be one of ${userRole.options.join(", ")}`,
});
const localeOption = z.enum(locale.options, {
  message: `must be one of ${locale.options.join(", ")}`,
});

export const userCreate = defineCommand({
  name: NAME,
  summary: "create a panel user (a customer or a support agent)",
  usage: `${NAME} --email <address> --password <password> --role customer|support [--locale en|pt|fr]`,
  help: [
    "  --email      sign-in address (unique)",
    `  --password   at least ${MIN_PASSWORD_LENGTH} characters; stored as an argon2id hash`,
    "  --role       customer (sees own hostings) or support (sees and acts on all)",
    "  --locale     language of the panel and of reports: en (default), pt or fr",
  ].join("\n"),
  options: {
    email: { type: "string" },
    password: { type: "string" },
    role: { type: "string" },
    locale: { type: "string" },
  },
  parse: (v) => ({
    email: option(NAME, "email", emailAddress, v.email),
    password: option(NAME, "password", password, v.password),
    role: option(NAME, "role", role, v.role),
    locale: v.locale === undefined ? undefined : option(NAME, "locale", localeOption, v.locale),
  }),
  async execute(services, input, io) {
    const user = await services.users.create(input);
    io.out(`Created ${user.role} user ${user.email} (id ${user.id}, locale ${user.locale}).`);
  },
});
