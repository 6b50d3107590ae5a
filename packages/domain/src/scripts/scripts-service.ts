import { type HeldScriptList, type ScriptList, scriptName } from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import { type Clock, DAY } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { canSee, loadVisibleHosting, ownerFilterOf } from "../hosting/hosting-access.ts";
import type { HostingRepository } from "../hosting/hosting-repository.ts";
import { utcDay } from "../shared/time.ts";
import { parseReason } from "../shared/validation.ts";
import type { ScriptsRepository } from "./scripts-repository.ts";

/** The periods of the per-script view, in UTC days counting today. */
export type ScriptDays = 1 | 7 | 30;

/** The most scripts a hosting may hold at once. */
export const MAX_HELD_SCRIPTS = 100;

export interface ScriptsService {
  /**
   * The hosting's mail by script over the last `days` UTC days, today included (the same days
   * as the volumes chart and the Refusal rows): how much was accepted and what became of it,
   * largest volume first (at most 200), and the scripts held now, those without mail too.
   */
  list(actor: Actor, serviceName: string, days: ScriptDays): Promise<ScriptList>;
  /**
   * Holds the new mail of `script` while the rest of the site sends (the ingest reads the list;
   * the hold job and the worker's claim stop what is already queued). Audited; support must give
   * a reason (DomainError("reason_required")); more than 100 scripts: "validation_failed".
   * Holding a held script changes nothing and records nothing.
   */
  hold(actor: Actor, serviceName: string, script: string, reason?: string): Promise<HeldScriptList>;
  /** Lets `script` send again; the same rules as `hold`. */
  unhold(
    actor: Actor,
    serviceName: string,
    script: string,
    reason?: string,
  ): Promise<HeldScriptList>;
}

export interface ScriptsServiceDeps {
  hostings: HostingRepository;
  scripts: ScriptsRepository;
  audit: InternalAuditService;
  clock: Clock;
}

function parseScript(value: string): string {
  const parsed = scriptName.safeParse(value);
  if (!parsed.success) throw new DomainError("validation_failed", { field: "script" });
  return parsed.data;
}

export function createScriptsService(deps: ScriptsServiceDeps): ScriptsService {
  const { hostings, scripts, audit, clock } = deps;

  async function change(
    actor: Actor,
    serviceName: string,
    rawScript: string,
    rawReason: string | undefined,
    hold: boolean,
  ): Promise<HeldScriptList> {
    const hosting = await loadVisibleHosting(hostings, actor, serviceName);
    const reason = parseReason(rawReason);
    if (actorRoleOf(actor) === "support" && !reason) throw new DomainError("reason_required");
    const script = parseScript(rawScript);
    const heldScripts = await scripts.transaction(async (tx) => {
      // the row lock orders concurrent changes: each one reads the list the previous one wrote
      const current = await scripts.lockHeldScripts(hosting.id, tx);
      if (current === null) throw new DomainError("not_found");
      if (current.includes(script) === hold) return current;
      if (hold && current.length >= MAX_HELD_SCRIPTS) {
        throw new DomainError(
          "validation_failed",
          { field: "script", max: MAX_HELD_SCRIPTS },
          "error.validation_failed.held_scripts_limit",
        );
      }
      const next = hold ? [...current, script] : current.filter((s) => s !== script);
      await scripts.setHeldScripts(hosting.id, next, tx);
      await audit.record(
        {
          actor,
          action: hold ? "email.script_hold" : "email.script_release",
          hostingId: hosting.id,
          reason,
          details: { script },
        },
        tx,
      );
      return next;
    });
    return { heldScripts };
  }

  return {
    async list(actor, serviceName, days) {
      if (days !== 1 && days !== 7 && days !== 30) {
        throw new DomainError("validation_failed", { field: "days" });
      }
      const from = new Date(utcDay(clock.now()).getTime() - (days - 1) * DAY);
      // the access check of loadVisibleHosting, with the rows in the same statement
      const found = await scripts.statsOf(serviceName, ownerFilterOf(actor), from);
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      return { items: found.rows, heldScripts: found.hosting.heldScripts };
    },
    hold: (actor, serviceName, script, reason) => change(actor, serviceName, script, reason, true),
    unhold: (actor, serviceName, script, reason) =>
      change(actor, serviceName, script, reason, false),
  };
}
