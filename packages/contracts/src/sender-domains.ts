import { z } from "zod";
import { reason } from "./email.ts";

/**
 * The domains a hosting may send from besides its service name: the service name and its
 * subdomains are always allowed; each domain here allows its subdomains too.
 */
export const senderDomains = z.object({
  serviceName: z.string(),
  /** Added by support, lower-case ASCII (IDNA), sorted. */
  domains: z.array(z.string()),
});
export type SenderDomains = z.infer<typeof senderDomains>;

/** A domain as typed; the server normalises it (lower case, IDNA) and refuses wildcards and IPs. */
const domainInput = z.string().trim().min(1).max(253);

/** Support only, with a reason. Adding a domain already there or removing one absent is a no-op. */
export const changeSenderDomains = z
  .object({
    add: z.array(domainInput).max(20).optional(),
    remove: z.array(domainInput).max(20).optional(),
    reason: reason.optional(),
  })
  .refine((c) => (c.add?.length ?? 0) + (c.remove?.length ?? 0) > 0, {
    message: "must add or remove at least one domain",
  });
export type ChangeSenderDomains = z.infer<typeof changeSenderDomains>;
