import { createServices } from "@scripts-email/domain";
import { ConfigError, loadConfig } from "../config.ts";
import { createLog, resolveLogFormat } from "../log.ts";
import { mailPathOptions, openMigratedDatabase, reportOptions } from "../server.ts";
import { type Command, type CommandIo, parseCommandArgs, UsageError } from "./command.ts";
import { describeDomainError, isDomainError } from "./errors.ts";
import { COMMANDS } from "./registry.ts";

export const EXIT = { ok: 0, failure: 1, usage: 64, config: 78 } as const;

export function generalHelp(commands: Command<unknown>[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Scripts-email admin commands. Usage: pnpm cli <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`),
    "",
    "Run `pnpm cli <command> --help` for its options. The commands use the same configuration",
    "as `pnpm start` (DATABASE_URL, or the embedded database in DATA_DIR) and apply pending",
    "migrations first. Stop `pnpm start` before using them on the embedded database.",
  ].join("\n");
}

export function commandHelp(command: Command<unknown>): string {
  return [`Usage: pnpm cli ${command.usage}`, "", `${command.summary}.`, "", command.help].join(
    "\n",
  );
}

const wantsHelp = (args: string[]) => args.includes("--help") || args.includes("-h");

/** The whole command line: returns the exit status instead of exiting (testable). */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CommandIo,
): Promise<number> {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const [name, ...rest] = args;
  if (name === undefined) {
    io.err(generalHelp());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(generalHelp());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${generalHelp()}`);
    return EXIT.usage;
  }
  if (wantsHelp(rest)) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }

  let input: unknown;
  try {
    input = parseCommandArgs(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${command.name}: ${error.message}`);
    io.err(`Usage: pnpm cli ${command.usage}   (--help for details)`);
    return EXIT.usage;
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return EXIT.config;
  }
  // stdout holds the command's answer for people and scripts: the diagnostics go to stderr
  const log = createLog(config.logLevel, {
    format: resolveLogFormat(config.logFormat, process.stderr.isTTY === true),
    destination: 2,
  });

  let db: Awaited<ReturnType<typeof openMigratedDatabase>>;
  try {
    db = await openMigratedDatabase(config, log);
  } catch (error) {
    io.err(`${command.name} failed: ${(error as Error).message}`);
    return EXIT.failure;
  }
  try {
    const services = createServices({
      db,
      mail: mailPathOptions(config),
      reports: reportOptions(config),
      webhookAllowNetworks: config.alertWebhookAllowNetworks,
      log,
    });
    await command.execute(services, input, io);
    return EXIT.ok;
  } catch (error) {
    if (isDomainError(error)) io.err(`${command.name} failed: ${describeDomainError(error)}`);
    else {
      // our fault, not the operator's: the whole error for the log, its gist for the person
      log.error({ err: error, command: command.name }, "command failed");
      io.err(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return EXIT.failure;
  } finally {
    await db.close();
  }
}
