/** Exit codes from sysexits.h, which sendmail callers (PHP, cron, MTAs) understand. */
export const EX_OK = 0;
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
/** A recipient was refused for good (5xx): "addressee unknown" in sysexits.h. */
export const EX_NOUSER = 67;
export const EX_UNAVAILABLE = 69;
export const EX_SOFTWARE = 70;
export const EX_TEMPFAIL = 75;
export const EX_NOPERM = 77;
export const EX_CONFIG = 78;

/** A failure that ends the command with `code` and a one-line reason on stderr. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ExitError";
  }
}
