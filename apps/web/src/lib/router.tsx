import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

// A few routes do not need a router library: the History API and one event suffice.
const NAVIGATE = "scripts-email:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentLocation = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE));
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, currentLocation, () => "/");
  const url = new URL(href, "http://localhost");
  return { pathname: url.pathname, search: url.searchParams };
}

export type Route =
  | { name: "hostings" }
  | { name: "hosting"; serviceName: string }
  | { name: "audit"; serviceName: string | undefined }
  | { name: "account" }
  | { name: "notFound" };

export function matchRoute(location: Location): Route {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/hostings") return { name: "hostings" };
  const hosting = /^\/hostings\/([^/]+)$/.exec(path);
  if (hosting?.[1]) return { name: "hosting", serviceName: decodeURIComponent(hosting[1]) };
  if (path === "/account") return { name: "account" };
  if (path === "/audit") {
    return { name: "audit", serviceName: location.search.get("serviceName") ?? undefined };
  }
  return { name: "notFound" };
}

export const paths = {
  hostings: () => "/",
  hosting: (serviceName: string) => `/hostings/${encodeURIComponent(serviceName)}`,
  account: () => "/account",
  audit: (serviceName?: string) =>
    serviceName ? `/audit?serviceName=${encodeURIComponent(serviceName)}` : "/audit",
};

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={handle} />;
}
