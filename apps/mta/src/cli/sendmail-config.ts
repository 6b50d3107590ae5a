import { readFileSync } from "node:fs";
import { EX_CONFIG, ExitError } from "./sysexits.ts";

export interface SendmailConfig {
  host: string;
  port: number;
  user: string;
  password: string;
}

const KEYS = ["host", "port", "user", "password"] as const;
type Key = (typeof KEYS)[number];

/** `key = value` lines; blank lines and `#` comments are skipped; values may be quoted. */
export function parseConfigFile(text: string, file: string): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const eq = trimmed.indexOf("=");
    const key = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
    if (eq === -1 || !(KEYS as readonly string[]).includes(key)) {
      throw new ExitError(EX_CONFIG, `${file}:${index + 1}: expected host, port, user or password`);
    }
    let value = trimmed.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value) && value.length >= 2) value = value.slice(1, -1);
    out[key as Key] = value;
  });
  return out;
}

/** Defaults, then the configuration file (-C or SCRIPTS_EMAIL_CONFIG), then the variables. */
export function loadConfig(env: NodeJS.ProcessEnv, configFile: string | null): SendmailConfig {
  const file = configFile ?? env.SCRIPTS_EMAIL_CONFIG ?? null;
  let fromFile: Partial<Record<Key, string>> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ExitError(EX_CONFIG, `cannot read configuration file ${file}: ${reason}`);
    }
    fromFile = parseConfigFile(text, file);
  }
  const pick = (key: Key, variable: string) => {
    const fromEnv = env[variable];
    return fromEnv !== undefined && fromEnv !== "" ? fromEnv : fromFile[key];
  };
  const host = pick("host", "SCRIPTS_EMAIL_HOST") ?? "127.0.0.1";
  const portText = pick("port", "SCRIPTS_EMAIL_PORT") ?? "2525";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExitError(EX_CONFIG, `invalid port "${portText}" (SCRIPTS_EMAIL_PORT or port =)`);
  }
  const user = pick("user", "SCRIPTS_EMAIL_USER");
  const password = pick("password", "SCRIPTS_EMAIL_PASSWORD");
  if (!user || !password) {
    throw new ExitError(
      EX_CONFIG,
      "no credentials: set SCRIPTS_EMAIL_USER and SCRIPTS_EMAIL_PASSWORD, or user and password in the file named by SCRIPTS_EMAIL_CONFIG or -C (see --help)",
    );
  }
  return { host, port, user, password };
}
