import type { DeliveryJob, RecipientResult } from "@scripts-email/domain";

/** Where delivered mail goes: the provider's upstream SMTP relay, or files on a laptop. */
export interface Relay {
  readonly mode: "smtp" | "capture";
  /** One result per recipient of the job; never throws for a delivery problem. */
  deliver(job: DeliveryJob): Promise<RecipientResult[]>;
  close(): Promise<void>;
}
