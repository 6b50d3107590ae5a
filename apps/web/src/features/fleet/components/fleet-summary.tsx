import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useFleetSummary } from "../api/get-fleet-summary.ts";
import { FleetCounts } from "./fleet-counts.tsx";
import type { FleetFilters } from "./fleet-filters.ts";
import { FleetHealth } from "./fleet-health.tsx";
import { FleetTraffic } from "./fleet-traffic.tsx";

/** The counts above the table: hostings, mail, queue, relay and scanner, as of `at`. */
export function FleetSummary(props: { filters: FleetFilters }) {
  const i18n = useI18n();
  const summary = useFleetSummary();
  const data = summary.data;
  return (
    <div className="fleet-summary">
      {summary.isPending && <Loading />}
      {/* a failed poll keeps the last counts on screen, under the error */}
      <ErrorAlert error={summary.error} />
      {data && (
        <>
          <p className="muted fleet-updated" aria-live="off">
            {i18n.t("web.fleet.updated", { time: i18n.formatDateTime(data.at) })}
          </p>
          <div className="page-grid">
            <FleetCounts hostings={data.hostings} filters={props.filters} />
            <FleetTraffic summary={data} />
            <FleetHealth summary={data} />
          </div>
        </>
      )}
    </div>
  );
}
