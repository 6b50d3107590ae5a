import type { HostingService } from "@scripts-email/domain";
import type { AuthenticatedHosting } from "./ingest-server.ts";

/**
 * The ingest server's `authenticate`: the hosting's SMTP password checked by the domain, and
 * what the session needs of the hosting (its sender domains come with the login).
 */
export function smtpLogin(
  hostings: Pick<HostingService, "verifySmtpPassword">,
): (user: string, pass: string) => Promise<AuthenticatedHosting | null> {
  return async (user, pass) => {
    const hosting = await hostings.verifySmtpPassword(user, pass);
    return hosting
      ? {
          hostingId: hosting.id,
          serviceName: hosting.serviceName,
          senderDomains: hosting.senderDomains,
        }
      : null;
  };
}
