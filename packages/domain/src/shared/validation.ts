import { emailAddress, reason as reasonSchema, webhookUrl } from "@scripts-email/contracts";
import { DomainError } from "../errors.ts";

export function parseEmailAddress(value: string): string {
  const parsed = emailAddress.safeParse(value);
  if (!parsed.success) throw new DomainError("validation_failed", { field: "email" });
  return parsed.data;
}

/** An alert webhook URL (https, or loopback http); null or empty means none. */
export function parseWebhookUrl(value: string | null): string | null {
  if (value === null || value.trim() === "") return null;
  const parsed = webhookUrl.safeParse(value);
  if (!parsed.success) throw new DomainError("validation_failed", { field: "alertWebhookUrl" });
  return parsed.data;
}

/** A reason, trimmed; empty means none. */
export function parseReason(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  const parsed = reasonSchema.safeParse(value);
  if (!parsed.success) throw new DomainError("validation_failed", { field: "reason" });
  return parsed.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
