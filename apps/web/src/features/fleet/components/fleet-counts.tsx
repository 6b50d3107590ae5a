import { blockCause, type FleetSummary, hostingState } from "@scripts-email/contracts";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link } from "../../../lib/router.tsx";
import { type FleetFilters, fleetFiltersToUrl } from "./fleet-filters.ts";

/** One count, its figure a link to the table filtered to those hostings. */
function CountLink(props: { label: string; count: number; href: string }) {
  const { t, formatNumber } = useI18n();
  return (
    <div className="counter">
      <dt>{props.label}</dt>
      <dd>
        <Link href={props.href} title={t("web.fleet.showThese", { count: props.count })}>
          {formatNumber(props.count)}
        </Link>
      </dd>
    </div>
  );
}

/** Hostings by state, and the blocked ones by cause. */
export function FleetCounts(props: { hostings: FleetSummary["hostings"]; filters: FleetFilters }) {
  const { t } = useI18n();
  const { hostings, filters } = props;
  // a count opens the table on those hostings, keeping the chosen sort and window
  const href = (change: Partial<FleetFilters>) =>
    `/${fleetFiltersToUrl({ sort: filters.sort, window: filters.window, ...change })}`;
  return (
    <>
      <section className="card" aria-labelledby="fleet-states-heading">
        <h2 id="fleet-states-heading">{t("web.fleet.hostings.heading")}</h2>
        <dl className="counters">
          <CountLink label={t("web.fleet.hostings.total")} count={hostings.total} href={href({})} />
          {hostingState.options.map((state) => (
            <CountLink
              key={state}
              label={t(`web.fleet.hostings.${state}`)}
              count={hostings.byState[state]}
              href={href({ state })}
            />
          ))}
        </dl>
      </section>
      <section className="card" aria-labelledby="fleet-causes-heading">
        <h2 id="fleet-causes-heading">{t("web.fleet.causes.heading")}</h2>
        <dl className="counters">
          {blockCause.options.map((cause) => (
            <CountLink
              key={cause}
              label={t(`web.state.blockCause.${cause}`)}
              count={hostings.byCause[cause]}
              href={href({ state: "blocked", cause })}
            />
          ))}
        </dl>
      </section>
    </>
  );
}
