import { emailAddress } from "@scripts-email/contracts";
import { MIN_PASSWORD_LENGTH } from "@scripts-email/domain";
import { z } from "zod";
import { englishCount } from "../../english-count.ts";
import { defineCommand, option } from "../command.ts";

const NAME = "user:password";
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(1024, { message: "must be at most 1024 characters" });

/** The operator's reset, for a user who lost the password or whose account may be compromised. */
export const userPassword = defineCommand({
  name: NAME,
  summary: "set a panel user's password; signs them out everywhere and revokes their API tokens",
  usage: `${NAME} --email <address> --password <password>`,
  help: [
    "  --email      the user's sign-in address",
    `  --password   the new password, at least ${MIN_PASSWORD_LENGTH} characters`,
    "Every session of the user ends and every API token of theirs is revoked (recorded in the",
    "audit log). Users who know their password change it in the panel's Account page instead.",
  ].join("\n"),
  options: {
    email: { type: "string" },
    password: { type: "string" },
  },
  parse: (v) => ({
    email: option(NAME, "email", emailAddress, v.email),
    password: option(NAME, "password", password, v.password),
  }),
  async execute(services, input, io) {
    const ended = await services.account.resetPassword(input.email, input.password);
    io.out(
      `Password of ${input.email} changed; ${englishCount(ended.sessions, "session", "sessions")} ended, ${englishCount(ended.tokens, "API token", "API tokens")} revoked.`,
    );
  },
});
