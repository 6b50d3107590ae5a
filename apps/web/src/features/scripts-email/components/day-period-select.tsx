import { useI18n } from "../../../lib/i18n.tsx";
import { DAY_PERIODS, type DayPeriod } from "../api/day-periods.ts";

/** The "Period" choice of a section: since midnight UTC, the last 7 or 30 days. */
export function DayPeriodSelect(props: {
  id: string;
  value: DayPeriod;
  onChange: (days: DayPeriod) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="inline-field">
      <label htmlFor={props.id}>{t("web.scripts.period")}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => {
          const chosen = DAY_PERIODS.find((d) => String(d) === e.target.value);
          if (chosen) props.onChange(chosen);
        }}
      >
        {DAY_PERIODS.map((d) => (
          <option key={d} value={d}>
            {t("web.scripts.period.option", { days: d })}
          </option>
        ))}
      </select>
    </div>
  );
}
