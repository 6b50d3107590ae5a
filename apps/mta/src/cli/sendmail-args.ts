import { EX_USAGE, ExitError } from "./sysexits.ts";

export interface SendmailArgs {
  help: boolean;
  /** -t: recipients also come from the To, Cc and Bcc headers. */
  extractRecipients: boolean;
  /** -f / -r: envelope sender; "" for the null sender (`-f '<>'`). */
  sender: string | null;
  /** -F: display name for a From header the message lacks. */
  fullName: string | null;
  /** -C: configuration file. */
  configFile: string | null;
  verbose: boolean;
  recipients: string[];
}

/** Sendmail options that take a value and mean nothing here (DSN, body type, hop count…). */
const IGNORED_WITH_VALUE = new Set(["B", "N", "R", "V", "X", "h", "L", "p", "O"]);
/** Sendmail flags that mean nothing here. */
const IGNORED_FLAGS = new Set(["i", "n", "U", "m", "G", "A", "Am", "Ac"]);

/**
 * Parses a sendmail command line the way sendmail and Postfix do: single-letter options, values
 * attached (`-fuser@host`) or separate (`-f user@host`), `-o…` options ignored (`-oi`, `-odi`,
 * `-oem`), then recipients. A lone dot never ends input here: the message is read to EOF.
 */
export function parseSendmailArgs(argv: string[]): SendmailArgs {
  const args: SendmailArgs = {
    help: false,
    extractRecipients: false,
    sender: null,
    fullName: null,
    configFile: null,
    verbose: false,
    recipients: [],
  };
  let i = 0;
  const value = (option: string, attached: string): string => {
    if (attached !== "") return attached;
    const next = argv[++i];
    if (next === undefined) throw new ExitError(EX_USAGE, `option -${option} requires a value`);
    return next;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (arg === "--help") {
      args.help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const letter = arg.charAt(1);
    const rest = arg.slice(2);
    switch (letter) {
      case "t":
        if (rest !== "") throw new ExitError(EX_USAGE, `unknown option ${arg}`);
        args.extractRecipients = true;
        break;
      case "f":
      case "r":
        args.sender = unbracket(value(letter, rest));
        break;
      case "F":
        args.fullName = value(letter, rest);
        break;
      case "C":
        args.configFile = value(letter, rest);
        break;
      case "v":
        args.verbose = true;
        break;
      case "o":
        // -oi, -odi, -oem, -oQ/dir…: queue and error modes of a local MTA; -oi is our default.
        break;
      case "b":
        // -bm (read mail and deliver) is the only mode there is.
        if (rest !== "m") throw new ExitError(EX_USAGE, `mode ${arg} is not supported`);
        break;
      default:
        if (IGNORED_WITH_VALUE.has(letter)) {
          value(letter, rest);
        } else if (!IGNORED_FLAGS.has(arg.slice(1))) {
          throw new ExitError(EX_USAGE, `unknown option ${arg}`);
        }
    }
  }
  args.recipients = argv.slice(i).flatMap(splitRecipientArg);
  return args;
}

function unbracket(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.slice(1, -1).trim() : trimmed;
}

/** `a@b, c@d` in one argument is two recipients (as sendmail reads it). */
function splitRecipientArg(arg: string): string[] {
  return arg
    .split(",")
    .map((part) => unbracket(part))
    .filter((part) => part !== "");
}

export const HELP = `Usage: sendmail [options] [recipient ...] < message

Sends the message read from standard input (to end of file) through Scripts-email.
It works as PHP's sendmail_path, e.g. sendmail_path = "/path/to/sendmail -t -i".

Options:
  -t            also send to the To, Cc and Bcc headers' addresses; the Bcc header is
                always removed from the message
  -f sender     envelope sender (also -fsender, -r sender); default: the From address
  -F name       display name for the From header when the message has none
  -i, -oi       accepted: a line with a single dot never ends the message
  -C file       configuration file (instead of SCRIPTS_EMAIL_CONFIG)
  -v            print the server's reply
  -o..., -B, -N, -R, -V, -bm   accepted and ignored
  --help        this text

Connection and credentials, all from the environment or all from the configuration file
(the server and the credentials are never taken from different places; exit 78 if they would be;
a server off this machine must offer STARTTLS with a valid certificate, or exit 69):
  SCRIPTS_EMAIL_HOST      submission server (default 127.0.0.1)
  SCRIPTS_EMAIL_PORT      its port (default 2525)
  SCRIPTS_EMAIL_USER      the hosting's service name
  SCRIPTS_EMAIL_PASSWORD  the hosting's SMTP password
  SCRIPTS_EMAIL_CONFIG    configuration file with "key = value" lines:
                            host = 127.0.0.1
                            port = 2525
                            user = my-hosting
                            password = ...
                          ('#' starts a comment line)

Exit status (sysexits): 0 sent to every recipient, 64 usage error, 65 bad message (no
recipients, bad address, too big), 67 some recipients refused for good (named on stderr; the
others got it), 69 refused by the server, 75 temporary failure (server unreachable, 4xx reply:
try again later; the recipients not reached are named), 77 authentication refused,
78 configuration error.
`;
