import type { HostingState } from "@scripts-email/contracts";
import { DomainError } from "../errors.ts";

export type { HostingState };

/** What can happen to a hosting's sending: the panel's actions, and the purge job finishing. */
export type HostingEvent = "block" | "unblock" | "purge" | "purge_finished";

/** The whole state machine: for each event, the one state it leaves and the state it enters. */
export const TRANSITIONS: Readonly<
  Record<HostingEvent, { readonly from: HostingState; readonly to: HostingState }>
> = {
  block: { from: "active", to: "blocked" },
  unblock: { from: "blocked", to: "active" },
  purge: { from: "blocked", to: "purging" },
  purge_finished: { from: "purging", to: "active" },
};

export function canTransition(state: HostingState, event: HostingEvent): boolean {
  return TRANSITIONS[event].from === state;
}

export function invalidTransition(state: HostingState, event: HostingEvent): DomainError {
  // purge_finished is never asked for by a user, so it has no message of its own
  const messageKey =
    event === "purge_finished" ? "error.invalid_transition" : `error.invalid_transition.${event}`;
  return new DomainError("invalid_transition", { state }, messageKey);
}

/** The state `event` leads to from `state`; throws DomainError("invalid_transition") if illegal. */
export function nextState(state: HostingState, event: HostingEvent): HostingState {
  const transition = TRANSITIONS[event];
  if (transition.from !== state) throw invalidTransition(state, event);
  return transition.to;
}
