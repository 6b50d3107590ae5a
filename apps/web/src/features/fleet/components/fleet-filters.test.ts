import { describe, expect, it } from "vitest";
import {
  FLEET_PAGE_SIZE,
  fleetFiltersFromUrl,
  fleetFiltersToUrl,
  fleetQueryOf,
} from "./fleet-filters.ts";

const read = (query: string) => fleetFiltersFromUrl(new URLSearchParams(query));

describe("the fleet view's filters in the address", () => {
  it("reads every filter, the sort, the window and the page", () => {
    expect(read("q=shop&state=blocked&cause=bounce&sort=sent&window=1h&page=3")).toEqual({
      q: "shop",
      state: "blocked",
      cause: "bounce",
      sort: "sent",
      window: "1h",
      page: 3,
    });
  });

  it("falls back to the defaults for what is missing or unknown", () => {
    const defaults = {
      q: "",
      state: undefined,
      cause: undefined,
      sort: "stateChangedAt",
      window: "24h",
      page: 1,
    };
    expect(read("")).toEqual(defaults);
    expect(read("state=deleted&cause=virus&sort=name&window=7d&page=-2")).toEqual(defaults);
    expect(read("page=1.5").page).toBe(1);
  });

  it("writes only what differs from the defaults, so a shared link stays short", () => {
    expect(fleetFiltersToUrl(read(""))).toBe("");
    expect(fleetFiltersToUrl({ ...read(""), state: "blocked", cause: "spam" })).toBe(
      "?state=blocked&cause=spam",
    );
    const all = "q=a%40b.test&state=purging&cause=support&sort=bounceRatio&window=1h&page=2";
    expect(fleetFiltersToUrl(read(all))).toBe(`?${all}`);
  });

  it("asks the API for the page's slice with the sort and the window", () => {
    expect(fleetQueryOf(read("state=blocked&sort=failed&window=1h&page=3"))).toEqual({
      state: "blocked",
      sort: "failed",
      window: "1h",
      limit: FLEET_PAGE_SIZE,
      offset: 2 * FLEET_PAGE_SIZE,
    });
    expect(fleetQueryOf(read(""))).toEqual({
      sort: "stateChangedAt",
      window: "24h",
      limit: FLEET_PAGE_SIZE,
      offset: 0,
    });
  });
});
