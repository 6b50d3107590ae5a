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

type Source = "environment" | "file";

const VARIABLES: Record<Key, string> = {
  host: "SCRIPTS_EMAIL_HOST",
  port: "SCRIPTS_EMAIL_PORT",
  user: "SCRIPTS_EMAIL_USER",
  password: "SCRIPTS_EMAIL_PASSWORD",
};

/**
 * Defaults, then the configuration file (-C or SCRIPTS_EMAIL_CONFIG), then the variables. The
 * server and the credentials must come from the same place: a file that names a host could
 * otherwise send the environment's password to it (and an environment's host a file's password),
 * in clear. Only the default server (this machine's port 2525) goes with either.
 */
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
  const sources = new Map<Key, Source>();
  const pick = (key: Key) => {
    const fromEnv = env[VARIABLES[key]];
    if (fromEnv !== undefined && fromEnv !== "") {
      sources.set(key, "environment");
      return fromEnv;
    }
    if (fromFile[key] !== undefined) sources.set(key, "file");
    return fromFile[key];
  };
  const host = pick("host") ?? "127.0.0.1";
  const portText = pick("port") ?? "2525";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExitError(EX_CONFIG, `invalid port "${portText}" (SCRIPTS_EMAIL_PORT or port =)`);
  }
  const user = pick("user");
  const password = pick("password");
  if (!user || !password) {
    throw new ExitError(
      EX_CONFIG,
      "no credentials: set SCRIPTS_EMAIL_USER and SCRIPTS_EMAIL_PASSWORD, or user and password in the file named by SCRIPTS_EMAIL_CONFIG or -C (see --help)",
    );
  }
  if (new Set(sources.values()).size > 1) throw mixedSources(sources, file ?? "");
  return { host, port, user, password };
}

function mixedSources(sources: Map<Key, Source>, file: string): ExitError {
  const from = (source: Source) => {
    const keys = KEYS.filter((key) => sources.get(key) === source);
    return source === "file"
      ? `${keys.join(", ")} from ${file}`
      : `${keys.map((key) => VARIABLES[key]).join(", ")} from the environment`;
  };
  return new ExitError(
    EX_CONFIG,
    `the server and the credentials must come from the same place, not ${from("file")} and ${from("environment")}: put host, port, user and password all in the file, or all in the environment`,
  );
}
