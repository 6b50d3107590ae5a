import type { SelectionFilter } from "@scripts-email/contracts";
import type { I18n } from "../../../lib/i18n.tsx";

/** A selection's filter in words, e.g. "script contact.php · held, spam". */
export function describeFilter(
  filter: SelectionFilter,
  i18n: Pick<I18n, "t" | "formatDateTime">,
): string {
  const { t } = i18n;
  const parts: string[] = [];
  if (filter.ids) parts.push(t("web.selection.words.ids", { count: filter.ids.length }));
  if (filter.script) parts.push(t("web.selection.words.script", { script: filter.script }));
  if (filter.sender) parts.push(t("web.selection.words.sender", { sender: filter.sender }));
  if (filter.recipient) {
    parts.push(t("web.selection.words.recipient", { recipient: filter.recipient }));
  }
  if (filter.subject) parts.push(t("web.selection.words.subject", { subject: filter.subject }));
  if (filter.from) {
    parts.push(t("web.selection.words.from", { date: i18n.formatDateTime(filter.from) }));
  }
  if (filter.to) parts.push(t("web.selection.words.to", { date: i18n.formatDateTime(filter.to) }));
  const statuses = filter.status?.map((s) => t(`web.selection.status.${s}`)).join(", ");
  if (statuses) parts.push(statuses);
  if (parts.length === 0) return t("web.selection.words.all");
  return parts.join(" · ");
}
