import { CursorPager } from "../../../components/cursor-pager.tsx";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { Link } from "../../../lib/router.tsx";
import { useHostings } from "../../hostings/api/get-hostings.ts";
import { FLEET_POLL_MS } from "../api/get-fleet-summary.ts";
import { FleetFilterForm } from "./fleet-filter-form.tsx";
import {
  FLEET_PAGE_SIZE,
  fleetFiltersToUrl,
  fleetQueryOf,
  hasFleetFilters,
  useFleetFilters,
} from "./fleet-filters.ts";
import { FleetSearch } from "./fleet-search.tsx";
import { FleetSummary } from "./fleet-summary.tsx";
import { FleetTable } from "./fleet-table.tsx";

/**
 * Support's home: the fleet's counts, then every hosting with its state and counters, filtered
 * and sorted as the address says; both follow changes while the page is visible.
 */
export function FleetPage() {
  const { t } = useI18n();
  const [filters, setFilters] = useFleetFilters();
  const hostings = useHostings(fleetQueryOf(filters), FLEET_POLL_MS);
  const items = hostings.data?.items ?? [];
  const total = hostings.data?.total ?? 0;
  // the pages before this one, as the pager counts them (page 2 … this page)
  const earlier = Array.from({ length: filters.page - 1 }, (_, i) => String(i + 2));
  const next = filters.page * FLEET_PAGE_SIZE < total ? String(filters.page + 1) : null;

  return (
    <>
      <h1 tabIndex={-1}>{t("web.hostings.titleSupport")}</h1>
      <FleetSummary filters={filters} />
      <section className="card fleet-hostings" aria-labelledby="fleet-table-heading">
        <h2 id="fleet-table-heading">{t("web.fleet.table.heading")}</h2>
        <FleetSearch key={filters.q} initial={filters.q} onSearch={(q) => setFilters({ q })} />
        <FleetFilterForm filters={filters} onChange={setFilters} />
        {hostings.isPending && <Loading />}
        <ErrorAlert error={hostings.error} />
        {hostings.isSuccess && (
          <p className="table-note muted" aria-live="polite">
            {t("web.fleet.matches", { count: total })}
          </p>
        )}
        {hostings.isSuccess && items.length === 0 && (
          <p>
            {filters.q && !filters.state && !filters.cause
              ? t("web.hostings.noMatch", { q: filters.q })
              : hasFleetFilters(filters)
                ? t("web.fleet.empty")
                : t("web.hostings.empty")}{" "}
            {hasFleetFilters(filters) && (
              <Link href={`/${fleetFiltersToUrl({ sort: filters.sort, window: filters.window })}`}>
                {t("web.fleet.filter.clear")}
              </Link>
            )}
          </p>
        )}
        {items.length > 0 && (
          <FleetTable items={items} sort={filters.sort} busy={hostings.isPlaceholderData} />
        )}
        {(filters.page > 1 || next) && (
          <CursorPager
            label={t("web.fleet.pager")}
            cursors={earlier}
            nextCursor={next}
            busy={hostings.isPlaceholderData}
            onChange={(cursors) => setFilters({ page: cursors.length + 1 })}
          />
        )}
      </section>
    </>
  );
}
