import { userInfo } from "node:os";
import { HELP, parseSendmailArgs } from "./sendmail-args.ts";
import { loadConfig } from "./sendmail-config.ts";
import { prepareMessage } from "./sendmail-message.ts";
import { submit } from "./sendmail-submit.ts";
import {
  EX_DATAERR,
  EX_NOPERM,
  EX_OK,
  EX_SOFTWARE,
  EX_TEMPFAIL,
  EX_UNAVAILABLE,
  ExitError,
} from "./sysexits.ts";

export interface SendmailIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdin: AsyncIterable<Buffer | string>;
  stdout(text: string): void;
  stderr(text: string): void;
  now?: Date;
}

/** Runs one sendmail invocation; returns the exit status (sysexits). */
export async function runSendmail(io: SendmailIo): Promise<number> {
  try {
    const args = parseSendmailArgs(io.argv);
    if (args.help) {
      io.stdout(HELP);
      return EX_OK;
    }
    const config = loadConfig(io.env, args.configFile);
    const message = prepareMessage(await readAll(io.stdin), {
      extractRecipients: args.extractRecipients,
      sender: args.sender,
      fullName: args.fullName,
      recipients: args.recipients,
      localUser: localUser(),
      // the SMTP user is the hosting's service name: the one default sender domain it may use
      hostname: config.user,
      now: io.now ?? new Date(),
    });
    const replies = await submit(config, message);
    if (args.verbose) io.stdout(replies.map((reply) => `${reply}\n`).join(""));
    return EX_OK;
  } catch (error) {
    const exit = error instanceof ExitError ? error : classify(error);
    io.stderr(`sendmail: ${exit.message.replace(/\s*\r?\n\s*/g, " ")}\n`);
    return exit.code;
  }
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function localUser(): string {
  try {
    return userInfo().username || "nobody";
  } catch {
    return "nobody";
  }
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Maps an SMTP failure (smtp-submit-client.ts) to a sysexits status and a one-line reason. */
export function classify(error: unknown): ExitError {
  const e = (error ?? {}) as SmtpFailure;
  const reply = e.response?.trim() || e.message || String(error);
  const status = e.responseCode ?? 0;
  if (status >= 400 && status < 500) {
    return new ExitError(EX_TEMPFAIL, `temporary failure, try again later: ${reply}`);
  }
  if (e.code === "EAUTH" && status >= 500) {
    return new ExitError(EX_NOPERM, `authentication refused: ${reply}`);
  }
  if (status === 552 || status === 554 || status === 553 || status === 501) {
    return new ExitError(status === 552 ? EX_DATAERR : EX_UNAVAILABLE, `refused: ${reply}`);
  }
  if (status >= 500) return new ExitError(EX_UNAVAILABLE, `refused: ${reply}`);
  if (e.code && ["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "ETLS"].includes(e.code)) {
    return new ExitError(EX_TEMPFAIL, `cannot reach the mail server: ${e.message ?? reply}`);
  }
  if (e.code === "EAUTH" || e.code === "ENOAUTH") {
    return new ExitError(EX_UNAVAILABLE, `authentication not possible: ${reply}`);
  }
  return new ExitError(EX_SOFTWARE, `unexpected error: ${reply}`);
}
