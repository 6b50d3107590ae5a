import type { HeldGroupList, HeldGroupsQuery } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import { DomainError } from "../errors.ts";
import { canSee, ownerFilterOf } from "../hosting/hosting-access.ts";
import type { HeldGroupsRepository } from "./held-groups-repository.ts";

/** A hosting's held mail (spam included) by script, subject or recipient domain. */
export interface HeldGroupsService {
  list(actor: Actor, serviceName: string, query: HeldGroupsQuery): Promise<HeldGroupList>;
}

export function createHeldGroupsService(deps: {
  heldGroups: HeldGroupsRepository;
}): HeldGroupsService {
  return {
    async list(actor, serviceName, query) {
      // the access check of loadVisibleHosting, with the groups in the same statement
      const found = await deps.heldGroups.groupsOf(serviceName, ownerFilterOf(actor), query.by);
      if (!found || !canSee(actor, found.hosting)) throw new DomainError("not_found");
      return { items: found.rows };
    },
  };
}
