import type { EmailStatus } from "@scripts-email/contracts";
import { useQuery } from "@tanstack/react-query";
import type { I18n } from "../../../lib/i18n.tsx";
import { scriptsQueryOptions } from "../api/get-scripts.ts";

export type UnblockFactsStatus = Pick<EmailStatus, "held" | "spam" | "heldScripts">;

/**
 * What an unblock sends and what it leaves held, as sentences: nothing held; or how many held
 * messages go out, while the mail of held scripts and the mail flagged as spam stays held.
 * `scriptsHeld` is the held mail of the held scripts (null while unknown).
 */
export function unblockFacts(
  status: UnblockFactsStatus,
  scriptsHeld: number | null,
  t: I18n["t"],
): string[] {
  if (status.held === 0) return [t("web.unblock.nothingHeld")];
  const facts: string[] = [];
  const scripts = status.heldScripts.join(", ");
  if (status.heldScripts.length > 0 && scriptsHeld === null) {
    facts.push(t("web.unblock.restGoesOut"), t("web.unblock.scriptsStay", { scripts }));
  } else {
    const goesOut = Math.max(0, status.held - status.spam - (scriptsHeld ?? 0));
    facts.push(t("web.unblock.goesOut", { count: goesOut }));
    if (scriptsHeld) {
      facts.push(t("web.unblock.scriptsStayCount", { count: scriptsHeld, scripts }));
    }
  }
  if (status.spam > 0) facts.push(t("web.unblock.spamStays", { count: status.spam }));
  return facts;
}

/**
 * The facts of unblocking now; with held scripts, their held mail is read from the per-script
 * view (30 days cover all held mail, which expires long before).
 */
export function useUnblockFacts(
  serviceName: string,
  status: UnblockFactsStatus,
  t: I18n["t"],
  enabled = true,
): string[] {
  const scripts = useQuery({
    ...scriptsQueryOptions(serviceName, 30),
    enabled: enabled && status.held > 0 && status.heldScripts.length > 0,
  });
  const held = new Set(status.heldScripts);
  const scriptsHeld = scripts.data
    ? scripts.data.items.reduce((sum, s) => sum + (held.has(s.script) ? s.held : 0), 0)
    : null;
  return unblockFacts(status, status.heldScripts.length > 0 ? scriptsHeld : 0, t);
}
