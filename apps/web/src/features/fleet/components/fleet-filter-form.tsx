import {
  blockCause,
  fleetSort,
  fleetWindow,
  type HostingState,
  hostingState,
} from "@scripts-email/contracts";
import { useId } from "react";
import { useI18n } from "../../../lib/i18n.tsx";
import type { FleetFilters } from "./fleet-filters.ts";

/** A labelled select whose empty value means "any". */
function Choice<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: readonly T[];
  optionLabel: (value: T) => string;
  anyLabel?: string;
  onChange: (value: T | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value ?? ""}
        onChange={(event) =>
          props.onChange(props.options.find((option) => option === event.target.value))
        }
      >
        {props.anyLabel && <option value="">{props.anyLabel}</option>}
        {props.options.map((option) => (
          <option key={option} value={option}>
            {props.optionLabel(option)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The fleet table's state and cause filters, its sort and the counters' window. */
export function FleetFilterForm(props: {
  filters: FleetFilters;
  onChange: (change: Partial<FleetFilters>) => void;
}) {
  const { t } = useI18n();
  const { filters, onChange } = props;
  return (
    <form
      className="filter-grid fleet-filters"
      aria-label={t("web.fleet.filters.label")}
      onSubmit={(event) => event.preventDefault()}
    >
      <Choice<HostingState>
        label={t("web.fleet.filter.state")}
        value={filters.state}
        options={hostingState.options}
        optionLabel={(state) => t(`web.fleet.hostings.${state}`)}
        anyLabel={t("web.fleet.filter.any")}
        onChange={(state) => onChange({ state })}
      />
      <Choice
        label={t("web.fleet.filter.cause")}
        value={filters.cause}
        options={blockCause.options}
        optionLabel={(cause) => t(`web.state.blockCause.${cause}`)}
        anyLabel={t("web.fleet.filter.anyCause")}
        onChange={(cause) => onChange({ cause })}
      />
      <Choice
        label={t("web.fleet.sort.label")}
        value={filters.sort}
        options={fleetSort.options}
        optionLabel={(sort) => t(`web.fleet.sort.${sort}`)}
        onChange={(sort) => sort && onChange({ sort })}
      />
      <Choice
        label={t("web.fleet.window.label")}
        value={filters.window}
        options={fleetWindow.options}
        optionLabel={(window) => t(`web.fleet.window.${window}`)}
        onChange={(window) => window && onChange({ window })}
      />
    </form>
  );
}
