import { DomainError } from "../errors.ts";
import { isUuid } from "../shared/validation.ts";
import type { MessagePosition } from "./message-repository.ts";

/** An opaque page cursor: base64url of the last row's (acceptedAt, id). */
export function encodeCursor(position: MessagePosition): string {
  return Buffer.from(JSON.stringify([position.acceptedAt.toISOString(), position.id])).toString(
    "base64url",
  );
}

export function decodeCursor(cursor: string): MessagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value as unknown[];
      const acceptedAt = new Date(typeof at === "string" ? at : Number.NaN);
      if (!Number.isNaN(acceptedAt.getTime()) && typeof id === "string" && isUuid(id)) {
        return { acceptedAt, id };
      }
    }
  } catch {
    // fall through: any malformed cursor is the same validation error
  }
  throw new DomainError("validation_failed", { field: "cursor" });
}
