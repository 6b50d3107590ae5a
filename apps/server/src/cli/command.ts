import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Services } from "@scripts-email/domain";
import type { z } from "zod";

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** Bad input on the command line: exit status 64 (EX_USAGE), before the database is opened. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export interface Command<Input = unknown> {
  name: string;
  summary: string;
  /** The command's `--help` text, below its usage line. */
  help: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Validates the parsed options; throws UsageError naming the bad one. */
  parse(values: Record<string, string | boolean | undefined>): Input;
  execute(services: Services, input: Input, io: CommandIo): Promise<void>;
}

export function defineCommand<Input>(command: Command<Input>): Command<Input> {
  return command;
}

/** Parses `args` (what follows the command name) into the command's validated input. */
export function parseCommandArgs<Input>(command: Command<Input>, args: string[]): Input {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: command.options,
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, command.name);
  }
  const flat: Record<string, string | boolean | undefined> = {};
  for (const [key, value] of Object.entries(values)) {
    flat[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  return command.parse(flat);
}

/** Runs a command as the CLI does, minus opening the database: for tests and scripts. */
export async function runCommand<Input>(
  command: Command<Input>,
  services: Services,
  args: string[],
  io: CommandIo,
): Promise<void> {
  await command.execute(services, parseCommandArgs(command, args), io);
}

/** Validates one option with a shared contracts schema; the error names the option. */
export function option<S extends z.ZodType>(
  command: string,
  name: string,
  schema: S,
  value: unknown,
): z.output<S> {
  if (value === undefined) throw new UsageError(`--${name} is required`, command);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "is not valid";
    throw new UsageError(`--${name} ${message.replace(/^Invalid input: /, "")}`, command);
  }
  return parsed.data;
}
