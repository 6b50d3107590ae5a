import type { ScriptList, ScriptStats, UserRole } from "@scripts-email/contracts";
import { useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import type { DayPeriod } from "../api/day-periods.ts";
import { useScripts } from "../api/get-scripts.ts";
import { DayPeriodSelect } from "./day-period-select.tsx";
import { HoldScriptDialog } from "./hold-script-dialog.tsx";
import { ScriptName } from "./script-name.tsx";

const HEADING_ID = "scripts-heading";
/** The server answers at most this many scripts. */
const MAX_ROWS = 200;

type Count = Exclude<keyof ScriptStats, "script">;
const COUNTS: Count[] = ["accepted", "sent", "failed", "held", "spam", "refused"];

/** The scripts with mail, then the held scripts that sent none in the period. */
export function scriptRows(list: ScriptList): ScriptStats[] {
  const seen = new Set(list.items.map((i) => i.script));
  const quiet = list.heldScripts
    .filter((s) => !seen.has(s))
    .map((script) => ({ script, accepted: 0, sent: 0, failed: 0, held: 0, spam: 0, refused: 0 }));
  return [...list.items, ...quiet];
}

/**
 * Mail by the script that sent it over 1, 7 or 30 days, largest volume first, with a way to hold
 * one script (its new mail is held while the rest of the site sends) and to resume it.
 */
export function ScriptsSection(props: {
  serviceName: string;
  role: UserRole;
  onNotice: (text: string) => void;
}) {
  const { t } = useI18n();
  const [days, setDays] = useState<DayPeriod>(7);
  const [change, setChange] = useState<{ script: string; hold: boolean } | null>(null);
  const scripts = useScripts(props.serviceName, days);
  const list = scripts.data;

  return (
    <section className="card" aria-labelledby={HEADING_ID}>
      <div className="section-head">
        <h2 id={HEADING_ID}>{t("web.scripts.heading")}</h2>
        <DayPeriodSelect id="scripts-period" value={days} onChange={setDays} />
      </div>
      <p className="muted">{t("web.scripts.explain")}</p>
      {scripts.isPending && <Loading />}
      <ErrorAlert error={scripts.error} />
      {list && list.heldScripts.length > 0 && (
        <p>{t("web.scripts.heldSummary", { count: list.heldScripts.length })}</p>
      )}
      {list &&
        (scriptRows(list).length === 0 ? (
          <p className="muted">{t("web.scripts.empty", { days })}</p>
        ) : (
          <ScriptsTable
            list={list}
            busy={scripts.isPlaceholderData}
            onChange={(script, hold) => setChange({ script, hold })}
          />
        ))}
      {list && list.items.length >= MAX_ROWS && (
        <p className="hint">{t("web.scripts.truncated", { count: MAX_ROWS })}</p>
      )}
      {change && (
        <HoldScriptDialog
          serviceName={props.serviceName}
          script={change.script}
          hold={change.hold}
          role={props.role}
          onClose={() => setChange(null)}
          onDone={(notice) => {
            setChange(null);
            props.onNotice(notice);
          }}
        />
      )}
    </section>
  );
}

export function ScriptsTable(props: {
  list: ScriptList;
  busy?: boolean;
  onChange: (script: string, hold: boolean) => void;
}) {
  const { t, formatNumber } = useI18n();
  const held = new Set(props.list.heldScripts);
  const label = (c: Count | "script" | "actions") => t(`web.scripts.column.${c}`);
  return (
    <div className="table-wrap" aria-busy={props.busy || undefined}>
      <table className="table responsive-table scripts-table" aria-labelledby={HEADING_ID}>
        <thead>
          <tr>
            <th scope="col">{label("script")}</th>
            {COUNTS.map((c) => (
              <th key={c} scope="col" className="num">
                {label(c)}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{label("actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {scriptRows(props.list).map((row) => {
            const isHeld = held.has(row.script);
            return (
              <tr key={row.script}>
                <td data-label={label("script")}>
                  <div className="script-cell">
                    <ScriptName script={row.script} />
                    {isHeld && (
                      <span className="badge badge-held">{t("web.scripts.heldBadge")}</span>
                    )}
                  </div>
                </td>
                {COUNTS.map((c) => (
                  <td
                    key={c}
                    data-label={label(c)}
                    className={c === "spam" && row.spam > 0 ? "num cell-alert" : "num"}
                  >
                    {formatNumber(row[c])}
                  </td>
                ))}
                <td data-label={label("actions")}>
                  <button
                    type="button"
                    className="button"
                    aria-label={t(isHeld ? "web.scripts.resume" : "web.scripts.hold", {
                      script: row.script,
                    })}
                    onClick={() => props.onChange(row.script, !isHeld)}
                  >
                    {t(isHeld ? "web.scripts.resumeShort" : "web.scripts.holdShort")}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
