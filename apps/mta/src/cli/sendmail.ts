/**
 * sendmail-compatible command (PHP's sendmail_path): `tsx apps/mta/src/cli/sendmail.ts --help`,
 * or apps/mta/bin/sendmail. Imports nothing of the database: it only talks SMTP.
 */
import { runSendmail } from "./sendmail-run.ts";
import { standardInput } from "./standard-input.ts";

// No top-level await: the shipped bundle is CommonJS (see apps/mta/scripts/build-sendmail.ts).
void runSendmail({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: standardInput(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
