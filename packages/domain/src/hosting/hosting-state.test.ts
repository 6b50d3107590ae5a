import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import {
  canTransition,
  type HostingEvent,
  type HostingState,
  nextState,
  TRANSITIONS,
} from "./hosting-state.ts";

const STATES: HostingState[] = ["active", "blocked", "purging"];
const EVENTS: HostingEvent[] = ["block", "unblock", "purge", "purge_finished"];

const LEGAL: Array<[HostingState, HostingEvent, HostingState]> = [
  ["active", "block", "blocked"],
  ["blocked", "unblock", "active"],
  ["blocked", "purge", "purging"],
  ["purging", "purge_finished", "active"],
];

describe("hosting state machine", () => {
  it.each(LEGAL)("%s --%s--> %s", (from, event, to) => {
    expect(nextState(from, event)).toBe(to);
    expect(canTransition(from, event)).toBe(true);
  });

  const illegal = STATES.flatMap((state) =>
    EVENTS.filter((event) => !LEGAL.some(([f, e]) => f === state && e === event)).map(
      (event) => [state, event] as const,
    ),
  );

  it("has exactly 8 illegal combinations", () => {
    expect(illegal).toHaveLength(STATES.length * EVENTS.length - LEGAL.length);
  });

  it.each(illegal)("refuses %s --%s-->", (state, event) => {
    expect(canTransition(state, event)).toBe(false);
    let caught: unknown;
    try {
      nextState(state, event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    const error = caught as DomainError;
    expect(error.code).toBe("invalid_transition");
    expect(error.params).toEqual({ state });
    expect(error.messageKey).toBe(
      event === "purge_finished" ? "error.invalid_transition" : `error.invalid_transition.${event}`,
    );
  });

  it("purge is only possible from blocked", () => {
    expect(STATES.filter((s) => canTransition(s, "purge"))).toEqual(["blocked"]);
  });

  it("the table holds only the documented transitions", () => {
    expect(Object.entries(TRANSITIONS).map(([e, t]) => [t.from, e, t.to])).toEqual(LEGAL);
  });
});
