import type { Command } from "./command.ts";
import { hostingCreate } from "./commands/hosting-create.ts";
import { hostingDailyLimit } from "./commands/hosting-daily-limit.ts";
import { hostingSenderDomains } from "./commands/hosting-sender-domains.ts";
import { hostingSendingSettings } from "./commands/hosting-sending-settings.ts";
import { hostingSmtpPassword } from "./commands/hosting-smtp-password.ts";
import { reportRun } from "./commands/report-run.ts";
import { userCreate } from "./commands/user-create.ts";
import { userPassword } from "./commands/user-password.ts";

// biome-ignore lint/suspicious/noExplicitAny: each command has its own input type
export const COMMANDS: Command<any>[] = [
  userCreate,
  userPassword,
  hostingCreate,
  hostingSmtpPassword,
  hostingSenderDomains,
  hostingDailyLimit,
  hostingSendingSettings,
  reportRun,
];
