import {
  type MessageOutcome,
  type MessageSearch,
  type MessageStatus,
  messageOutcome,
  messageStatus,
} from "@scripts-email/contracts";
import { useCallback } from "react";
import { navigate, useLocation } from "../../../lib/router.tsx";

/**
 * The message list's filters as the page's address holds them (`?q=…&outcome=…`), so that a
 * search can be shared or bookmarked: texts as typed, days as YYYY-MM-DD in the reader's time.
 */
export interface MessageFilters {
  q: string;
  script: string;
  recipient: string;
  /** First day, included. */
  from: string;
  /** Last day, included. */
  to: string;
  outcome: MessageOutcome | undefined;
  status: MessageStatus | undefined;
}

const TEXTS = ["q", "script", "recipient"] as const;
const DAYS = ["from", "to"] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromUrl(search: URLSearchParams): MessageFilters {
  const text = (name: string) => search.get(name)?.trim() ?? "";
  const day = (name: string) =>
    DAY.test(search.get(name) ?? "") ? (search.get(name) as string) : "";
  const outcome = messageOutcome.safeParse(search.get("outcome"));
  const status = messageStatus.safeParse(search.get("status"));
  return {
    q: text("q"),
    script: text("script"),
    recipient: text("recipient"),
    from: day("from"),
    to: day("to"),
    outcome: outcome.success ? outcome.data : undefined,
    status: status.success ? status.data : undefined,
  };
}

/** The address's query with `filters` in place of the old ones (other parameters kept). */
export function filtersToUrl(current: URLSearchParams, filters: MessageFilters): string {
  const next = new URLSearchParams(current);
  for (const name of [...TEXTS, ...DAYS, "outcome", "status"] as const) {
    const value = filters[name]?.trim();
    if (value) next.set(name, value);
    else next.delete(name);
  }
  const query = next.toString();
  return query ? `?${query}` : "";
}

export function hasFilters(filters: MessageFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== "");
}

/** Local midnight of a YYYY-MM-DD day, `days` later, as the API's ISO time. */
function midnight(day: string, days = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).toISOString();
}

/** The API's search: days become acceptance times (the last day included), blanks dropped. */
export function searchOf(filters: MessageFilters): MessageSearch {
  const search: MessageSearch = {};
  for (const name of TEXTS) if (filters[name]) search[name] = filters[name];
  if (filters.from) search.from = midnight(filters.from);
  if (filters.to) search.to = midnight(filters.to, 1);
  if (filters.outcome) search.outcome = filters.outcome;
  if (filters.status) search.status = filters.status;
  return search;
}

/** The filters in the address, and a setter that replaces them there (no new history entry). */
export function useMessageFilters(): [MessageFilters, (next: MessageFilters) => void] {
  const location = useLocation();
  const filters = filtersFromUrl(location.search);
  const setFilters = useCallback((next: MessageFilters) => {
    const current = new URLSearchParams(window.location.search);
    navigate(window.location.pathname + filtersToUrl(current, next), { replace: true });
  }, []);
  return [filters, setFilters];
}
