import type {
  EmailStatus,
  SelectionFilter,
  SelectionStatus,
  UserRole,
} from "@scripts-email/contracts";
import { useId, useState } from "react";
import { ErrorAlert, Loading } from "../../../components/error-message.tsx";
import { useI18n } from "../../../lib/i18n.tsx";
import { useHeldGroups } from "../api/get-held-groups.ts";
import { type HeldGroup, HeldGroupsTable } from "./held-groups-table.tsx";
import { JobProgress, type TrackedJob } from "./job-progress.tsx";
import { SelectMailForm } from "./select-mail-form.tsx";
import { SelectionDialog } from "./selection-dialog.tsx";
import {
  allowedStatuses,
  GROUP_STATUSES,
  type GroupBy,
  groupFilter,
  type SelectionKind,
} from "./selection-filter.ts";
import { describeFilter } from "./selection-words.ts";

const GROUPINGS: readonly GroupBy[] = ["script", "subject", "domain"];

/** A confirmation to show: what the user asked for, as the server will be asked. */
interface Pending {
  kind: SelectionKind;
  filter: SelectionFilter | null;
  target: string;
  spamKept: boolean;
}

/**
 * The incident tools for held mail: the held mail grouped (by script, subject or recipient
 * domain) with release and delete per group, a filter for anything else, and the progress of the
 * job started here. Shown while mail is held, and while a job started here is shown.
 */
export function HeldMail(props: { serviceName: string; status: EmailStatus; role: UserRole }) {
  const [job, setJob] = useState<TrackedJob | null>(null);
  if (props.status.held === 0 && !job) return null;
  return <HeldMailSection {...props} job={job} onJob={setJob} />;
}

function HeldMailSection(props: {
  serviceName: string;
  status: EmailStatus;
  role: UserRole;
  job: TrackedJob | null;
  onJob: (job: TrackedJob | null) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { serviceName, role } = props;
  const [by, setBy] = useState<GroupBy>("script");
  const [pending, setPending] = useState<Pending | null>(null);
  const groups = useHeldGroups(serviceName, by);
  const headingId = useId();
  const groupById = useId();

  /** Opens the confirmation for `kind` over `base`, with the statuses `role` may act on. */
  const confirm = (
    kind: SelectionKind,
    base: SelectionFilter,
    wanted: readonly SelectionStatus[],
    spamInvolved: boolean,
  ) => {
    const { status, spamKept } = allowedStatuses(kind, role, wanted);
    const filter = status.length > 0 ? { ...base, status } : null;
    setPending({
      kind,
      filter,
      target: describeFilter(filter ?? { ...base, status: [...wanted] }, i18n),
      spamKept: spamKept && spamInvolved,
    });
  };

  const onGroupAction = (kind: SelectionKind, group: HeldGroup) => {
    const base = groupFilter(by, group.key);
    if (base) confirm(kind, base, GROUP_STATUSES, group.spam > 0);
  };

  return (
    <section className="card held-mail span-all" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{t("web.heldMail.heading")}</h2>
        <div className="inline-field">
          <label htmlFor={groupById}>{t("web.heldMail.groupBy")}</label>
          <select
            id={groupById}
            value={by}
            onChange={(e) => setBy(GROUPINGS.find((g) => g === e.target.value) ?? "script")}
          >
            {GROUPINGS.map((g) => (
              <option key={g} value={g}>
                {t(`web.heldMail.groupBy.${g}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="hint">{t("web.heldMail.intro")}</p>
      {props.job && (
        <JobProgress
          key={props.job.jobId}
          serviceName={serviceName}
          job={props.job}
          onDismiss={() => props.onJob(null)}
        />
      )}
      {groups.isPending && <Loading />}
      <ErrorAlert error={groups.error} />
      {groups.data && (
        <div aria-busy={groups.isPlaceholderData || undefined}>
          <HeldGroupsTable
            by={by}
            groups={groups.data.items}
            canAct={(group) => groupFilter(by, group.key) !== null}
            onAction={onGroupAction}
          />
        </div>
      )}
      <SelectMailForm
        serviceName={serviceName}
        defaultOpen={props.status.state !== "active"}
        onAction={(kind, filter, statuses) =>
          confirm(kind, filter, statuses, statuses.includes("spam"))
        }
      />
      {pending && (
        <SelectionDialog
          serviceName={serviceName}
          role={role}
          kind={pending.kind}
          filter={pending.filter}
          target={pending.target}
          spamKept={pending.spamKept}
          onClose={() => setPending(null)}
          onStarted={(accepted) => {
            props.onJob({
              jobId: accepted.jobId,
              kind: pending.kind,
              matched: accepted.matched,
              target: pending.target,
            });
            setPending(null);
          }}
        />
      )}
    </section>
  );
}
