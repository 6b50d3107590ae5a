// The admin command line: `pnpm cli <command> [options]` (see `pnpm cli --help`).
import { runCli } from "./run-cli.ts";

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

runCli(process.argv.slice(2), process.env, io).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
