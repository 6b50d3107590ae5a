import type { HeldGroupList } from "@scripts-email/contracts";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import type { GroupBy, SelectionKind } from "./selection-filter.ts";

export type HeldGroup = HeldGroupList["items"][number];

/** The most groups the server lists. */
const MAX_GROUPS = 100;

const KEY_COLUMN = {
  script: "web.heldMail.groupBy.script",
  subject: "web.heldMail.groupBy.subject",
  domain: "web.heldMail.groupBy.domain",
} as const;

const NO_KEY = {
  script: "web.heldMail.noScript",
  subject: "web.heldMail.noSubject",
  domain: "web.heldMail.noDomain",
} as const;

/** "Release the mail of contact.php", "Delete the mail to example.com"… */
const ACTION_LABEL = {
  release: {
    script: "web.heldMail.release",
    subject: "web.heldMail.releaseSubject",
    domain: "web.heldMail.releaseDomain",
  },
  delete: {
    script: "web.heldMail.delete",
    subject: "web.heldMail.deleteSubject",
    domain: "web.heldMail.deleteDomain",
  },
} as const;

/** The held mail's groups, largest first, each with its count (spam marked) and its actions. */
export function HeldGroupsTable(props: {
  by: GroupBy;
  groups: HeldGroup[];
  /** False for a group no filter can name (no script, no subject): no buttons. */
  canAct: (group: HeldGroup) => boolean;
  onAction: (kind: SelectionKind, group: HeldGroup) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { by, groups } = props;
  if (groups.length === 0) return <p className="muted">{t("web.heldMail.empty")}</p>;
  const label = (key: Parameters<typeof t>[0]) => ({ "data-label": t(key) });
  return (
    <>
      <div className="table-wrap">
        <table className="table responsive-table held-groups">
          <caption className="visually-hidden">{t("web.heldMail.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t(KEY_COLUMN[by])}</th>
              <th scope="col" className="num">
                {t("web.heldMail.col.messages")}
              </th>
              <th scope="col">{t("web.heldMail.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key}>
                <th scope="row" {...label(KEY_COLUMN[by])}>
                  {group.key ? (
                    <BreakableText text={group.key} />
                  ) : (
                    <span className="muted">{t(NO_KEY[by])}</span>
                  )}
                </th>
                <td {...label("web.heldMail.col.messages")} className="num">
                  <span>
                    {i18n.formatNumber(group.count)}
                    {group.spam > 0 && (
                      <>
                        {" "}
                        <span className="status status-spam">
                          {t("web.heldMail.spamCount", { count: group.spam })}
                        </span>
                      </>
                    )}
                  </span>
                </td>
                <td {...label("web.heldMail.col.actions")}>
                  {props.canAct(group) ? (
                    <span className="inline-row">
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={t(ACTION_LABEL.release[by], { key: group.key })}
                        onClick={() => props.onAction("release", group)}
                      >
                        {t("web.heldMail.releaseButton")}
                      </button>
                      <button
                        type="button"
                        className="button button-small button-danger"
                        aria-label={t(ACTION_LABEL.delete[by], { key: group.key })}
                        onClick={() => props.onAction("delete", group)}
                      >
                        {t("web.heldMail.deleteButton")}
                      </button>
                    </span>
                  ) : (
                    <span className="muted">{t("web.heldMail.useFilter")}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {groups.length >= MAX_GROUPS && (
        <p className="hint">{t("web.heldMail.truncated", { count: MAX_GROUPS })}</p>
      )}
    </>
  );
}
