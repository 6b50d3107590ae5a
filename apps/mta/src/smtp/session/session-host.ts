import type { PassThrough } from "node:stream";
import type tls from "node:tls";
import type { LimitEvent, SessionLimits } from "../session-limits.ts";
import type { SmtpError } from "./smtp-error.ts";

/** What the hooks see of a session. */
export interface SessionInfo<U> {
  readonly id: string;
  readonly remoteAddress: string;
  /** Whether STARTTLS made the session encrypted. */
  secure: boolean;
  /** Set by a successful AUTH. */
  user: U | undefined;
  envelope: { mailFrom: string | null; rcptTo: string[] };
}

/** A message's data as it arrives; `sizeExceeded` once it is over the size limit (552). */
export type DataStream = PassThrough & { sizeExceeded: boolean };

/** A hook's refusal, or null/undefined to go on; maybe later. */
export type Verdict = SmtpError | null | undefined;

/** What a session does with a login, an address and a message: the application's part. */
export interface SessionHooks<U> {
  /** The user of a right password; rejects with the SmtpError to answer (535 by default). */
  auth(username: string, password: string, session: SessionInfo<U>): Promise<U>;
  /** MAIL FROM: a refusal (550 by default) or nothing to accept it, now or later. */
  mailFrom(address: string, session: SessionInfo<U>): Verdict | Promise<Verdict>;
  /** RCPT TO: a refusal (550 by default) or nothing to accept it, now or later. */
  rcptTo(address: string, session: SessionInfo<U>): Verdict | Promise<Verdict>;
  /**
   * DATA: the message as it arrives; `done` with the 250 text, or the SmtpError to answer
   * (450 by default). Called once, after the stream ended (or failed).
   */
  data(
    stream: DataStream,
    session: SessionInfo<U>,
    done: (error: SmtpError | null, text?: string) => void,
  ): void;
}

export interface SmtpSessionOptions {
  /** The server's name, in the greeting and EHLO. */
  name: string;
  banner?: string;
  /** Bytes of message data; 0: no limit. */
  size: number;
  maxRecipients: number;
  limits: SessionLimits;
}

/** The server side a session reports to (SmtpListener). */
export interface SessionHost<U> {
  readonly options: SmtpSessionOptions;
  readonly hooks: SessionHooks<U>;
  /** Set when STARTTLS is offered. */
  readonly secureContext: tls.SecureContext | undefined;
  /** Set once the server is closing: new commands get `421 Server shutting down`. */
  readonly closing: boolean;
  /** After a right password: null to let the user in, or the refusal (the per-account cap). */
  admit(user: U, session: SessionInfo<U>): SmtpError | null;
  limitReached(event: LimitEvent): void;
  socketError(error: Error): void;
  /** The session's socket closed. */
  ended(session: SessionInfo<U>): void;
}
