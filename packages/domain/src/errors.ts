import type { ErrorCode } from "@scripts-email/contracts";

/**
 * A rule said no. `code` is stable (the API maps it to a status through one table and to a
 * translated message); `params` fill the message's placeholders; `messageKey` picks a more
 * specific message than the code's default one.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly messageKey?: string,
  ) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`);
    this.name = "DomainError";
  }
}
