import { checkSenderAddress } from "@scripts-email/domain";
import { fieldValues, type HeaderField } from "@scripts-email/domain/header-block";
import addressparser from "nodemailer/lib/addressparser";

/** What the session knows of the hosting's sender rule (filled at AUTH). */
export interface SenderHosting {
  serviceName: string;
  /** Extra domains added by support; each allows its subdomains, as the service name does. */
  senderDomains: readonly string[];
}

export type SenderCheck = { ok: true } | { ok: false; code: number; text: string };

function advice(hosting: SenderHosting): string {
  return `use an address @${hosting.serviceName} or ask support to add the domain`;
}

/**
 * `MAIL FROM`: only the hosting's own domains. The null sender `<>` is refused too: it is the
 * return path of bounces, which mail servers send and website scripts never do, and a message
 * sent with it cannot be bounced back to the site (Postfix allows it on submission for MTAs
 * relaying their bounces; nothing here is one).
 */
export function checkEnvelopeSender(address: string, hosting: SenderHosting): SenderCheck {
  const verdict = checkSenderAddress(address, hosting);
  if (verdict.ok) return verdict;
  const host = hosting.serviceName;
  switch (verdict.reason) {
    case "null_sender":
      return {
        ok: false,
        code: 553,
        text: `5.7.1 The null sender <> is for bounces, which scripts do not send; use an address @${host}`,
      };
    case "no_domain":
      return {
        ok: false,
        code: 553,
        text: `5.7.1 Sender address ${address} has no domain allowed for hosting ${host}; ${advice(hosting)}`,
      };
    default:
      return {
        ok: false,
        code: 553,
        text: `5.7.1 Sender domain ${verdict.domain} is not allowed for hosting ${host}; ${advice(hosting)}`,
      };
  }
}

/**
 * The `From:` header, checked as `MAIL FROM` is: every address of every `From:` field must be
 * the hosting's, since the From address is what the recipient reads and what DMARC judges. A
 * message without any From field passes here (the envelope sender was checked, and it becomes
 * the From, see trace-headers.ts); one whose From holds no address is refused.
 */
export function checkFromHeader(fields: HeaderField[], hosting: SenderHosting): SenderCheck {
  const host = hosting.serviceName;
  for (const value of fieldValues(fields, "from")) {
    const addresses = addressparser(value, { flatten: true }).map((a) => a.address.trim());
    if (addresses.length === 0 || addresses.some((a) => a === "")) {
      return {
        ok: false,
        code: 550,
        text: `5.7.1 The From: header has no valid address; ${advice(hosting)}`,
      };
    }
    for (const address of addresses) {
      const verdict = checkSenderAddress(address, hosting);
      if (verdict.ok) continue;
      // the domain is echoed once canonical (letters, digits, dots, hyphens); raw header text never
      const what =
        verdict.domain === null
          ? "A From: header address has no domain that is"
          : `From: header domain ${verdict.domain} is not`;
      return {
        ok: false,
        code: 550,
        text: `5.7.1 ${what} allowed for hosting ${host}; ${advice(hosting)}`,
      };
    }
  }
  return { ok: true };
}
