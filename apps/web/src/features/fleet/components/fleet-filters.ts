import {
  type BlockCause,
  blockCause,
  type FleetSort,
  type FleetWindow,
  fleetSort,
  fleetWindow,
  type HostingState,
  hostingState,
} from "@scripts-email/contracts";
import { useCallback } from "react";
import { navigate, useLocation } from "../../../lib/router.tsx";
import type { GetHostingsInput } from "../../hostings/api/get-hostings.ts";

/** Rows per page of the fleet table. */
export const FLEET_PAGE_SIZE = 50;
/** What the table shows first: the hostings whose state changed last. */
export const DEFAULT_SORT: FleetSort = "stateChangedAt";
export const DEFAULT_WINDOW: FleetWindow = "24h";

/**
 * The fleet table's search, filters, sort, window and page as the page's address holds them
 * (`/?state=blocked&cause=bounce&sort=sent&window=1h&page=2`), so that a view can be shared or
 * bookmarked. Defaults are left out of the address; a value it does not know is ignored.
 */
export interface FleetFilters {
  q: string;
  state: HostingState | undefined;
  cause: BlockCause | undefined;
  sort: FleetSort;
  window: FleetWindow;
  /** 1 for the first page. */
  page: number;
}

export function fleetFiltersFromUrl(search: URLSearchParams): FleetFilters {
  const state = hostingState.safeParse(search.get("state"));
  const cause = blockCause.safeParse(search.get("cause"));
  const sort = fleetSort.safeParse(search.get("sort"));
  const window = fleetWindow.safeParse(search.get("window"));
  const page = Number(search.get("page"));
  return {
    q: search.get("q")?.trim() ?? "",
    state: state.success ? state.data : undefined,
    cause: cause.success ? cause.data : undefined,
    sort: sort.success ? sort.data : DEFAULT_SORT,
    window: window.success ? window.data : DEFAULT_WINDOW,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The address's query for `filters` (defaults left out), e.g. "?state=blocked", or "". */
export function fleetFiltersToUrl(filters: Partial<FleetFilters>): string {
  const query = new URLSearchParams();
  if (filters.q?.trim()) query.set("q", filters.q.trim());
  if (filters.state) query.set("state", filters.state);
  if (filters.cause) query.set("cause", filters.cause);
  if (filters.sort && filters.sort !== DEFAULT_SORT) query.set("sort", filters.sort);
  if (filters.window && filters.window !== DEFAULT_WINDOW) query.set("window", filters.window);
  if (filters.page && filters.page > 1) query.set("page", String(filters.page));
  const text = query.toString();
  return text ? `?${text}` : "";
}

export function hasFleetFilters(filters: FleetFilters): boolean {
  return Boolean(filters.q || filters.state || filters.cause);
}

/** The API's query for the table's page. */
export function fleetQueryOf(filters: FleetFilters): GetHostingsInput {
  return {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.cause ? { cause: filters.cause } : {}),
    sort: filters.sort,
    window: filters.window,
    limit: FLEET_PAGE_SIZE,
    offset: (filters.page - 1) * FLEET_PAGE_SIZE,
  };
}

/**
 * The filters in the address, and a setter that replaces them there (no new history entry);
 * changing what is shown goes back to the first page unless the change is the page itself.
 */
export function useFleetFilters(): [FleetFilters, (change: Partial<FleetFilters>) => void] {
  const location = useLocation();
  const filters = fleetFiltersFromUrl(location.search);
  const setFilters = useCallback((change: Partial<FleetFilters>) => {
    const current = fleetFiltersFromUrl(new URLSearchParams(window.location.search));
    const next = { ...current, page: 1, ...change };
    navigate(window.location.pathname + fleetFiltersToUrl(next), { replace: true });
  }, []);
  return [filters, setFilters];
}
