import type { FleetSort, HostingSummary } from "@scripts-email/contracts";
import { BreakableText } from "../../../components/breakable-text.tsx";
import { StateBadge } from "../../../components/state-badge.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link, paths } from "../../../lib/router.tsx";
import { actorText } from "../../scripts-email/components/state-timeline.tsx";
import { formatRatio } from "./fleet-format.ts";

const COUNTERS = ["accepted", "sent", "failed", "held", "spam", "refused", "bounceRatio"] as const;

function ChangedCell(props: { hosting: HostingSummary }) {
  const i18n = useI18n();
  const { stateChangedAt, stateChangedBy } = props.hosting;
  return (
    <>
      <time dateTime={stateChangedAt} title={i18n.formatDateTime(stateChangedAt)}>
        {i18n.formatShortDateTime(stateChangedAt)}
      </time>{" "}
      <span className="muted fleet-actor">
        {stateChangedBy
          ? actorText(
              { actorRole: stateChangedBy.role, actorEmail: stateChangedBy.email },
              "support",
              i18n,
            )
          : i18n.t("web.fleet.changedNever")}
      </span>
    </>
  );
}

/**
 * The fleet's page of hostings: each links to its Scripts-email page and shows its state (with
 * the block's cause), who changed it last and when, and the window's counters.
 */
export function FleetTable(props: { items: HostingSummary[]; sort: FleetSort; busy: boolean }) {
  const i18n = useI18n();
  const { t, formatNumber: n } = i18n;
  const sortedBy = (column: string) =>
    column === props.sort || (column === "changed" && props.sort === "stateChangedAt")
      ? "descending"
      : undefined;
  return (
    <div className="table-wrap">
      <table
        className="table responsive-table fleet-table"
        aria-labelledby="fleet-table-heading"
        aria-busy={props.busy}
      >
        <thead>
          <tr>
            <th scope="col">{t("web.fleet.col.hosting")}</th>
            <th scope="col">{t("web.hostings.col.state")}</th>
            <th scope="col" aria-sort={sortedBy("changed")}>
              {t("web.fleet.col.changed")}
            </th>
            {COUNTERS.map((c) => (
              <th key={c} scope="col" className="num" aria-sort={sortedBy(c)}>
                {t(`web.fleet.counter.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.items.map((h) => (
            <tr key={h.serviceName} data-state={h.state}>
              <th scope="row" data-label={t("web.fleet.col.hosting")}>
                <span>
                  <Link href={paths.hosting(h.serviceName)}>
                    <BreakableText text={h.serviceName} />
                  </Link>
                  <span className="fleet-owner">
                    <span className="visually-hidden">{t("web.hostings.col.owner")}: </span>
                    <BreakableText text={h.ownerEmail} />
                  </span>
                </span>
              </th>
              <td data-label={t("web.hostings.col.state")}>
                <span>
                  <StateBadge state={h.state} />
                  {h.cause && (
                    <span className="fleet-cause" data-cause={h.cause}>
                      {t(`web.state.blockCause.${h.cause}`)}
                    </span>
                  )}
                </span>
              </td>
              <td data-label={t("web.fleet.col.changed")}>
                <span>
                  <ChangedCell hosting={h} />
                </span>
              </td>
              {COUNTERS.map((c) => (
                <td key={c} className="num" data-label={t(`web.fleet.counter.${c}`)}>
                  {c === "bounceRatio" ? formatRatio(h.counters[c], i18n) : n(h.counters[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
