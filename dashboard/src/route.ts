/** The dashboard's addresses: hash routes, so the server serves one page. Pure. */

export type Tab = "resources" | "events" | "timeline" | "chaos" | "time";

/** Where the dashboard is. */
export type Route =
  | { readonly view: "namespaces" }
  | { readonly view: "namespace"; readonly ns: string; readonly tab: Tab; readonly object?: string }
  | { readonly view: "object"; readonly ns: string; readonly id: string };

const TABS: readonly Tab[] = ["resources", "events", "timeline", "chaos", "time"];

/** Reads `#/ns/<ns>/<tab>[/<object>]` or `#/ns/<ns>/objects/<id>`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (parts[0] !== "ns" || parts[1] === undefined) return { view: "namespaces" };
  const ns = parts[1];
  if (parts[2] === "objects" && parts[3] !== undefined) return { view: "object", ns, id: parts[3] };
  const tab = TABS.includes(parts[2] as Tab) ? (parts[2] as Tab) : "resources";
  return parts[3] !== undefined && tab === "resources" ? { view: "namespace", ns, tab, object: parts[3] } : { view: "namespace", ns, tab };
}

/** The hash of a route. */
export function href(route: Route): string {
  if (route.view === "namespaces") return "#/";
  const ns = encodeURIComponent(route.ns);
  if (route.view === "object") return `#/ns/${ns}/objects/${encodeURIComponent(route.id)}`;
  return `#/ns/${ns}/${route.tab}${route.object ? `/${encodeURIComponent(route.object)}` : ""}`;
}

/** The tabs of a namespace, in order, with their labels. */
export const NAMESPACE_TABS: readonly (readonly [Tab, string])[] = [
  ["resources", "Resources"],
  ["events", "Events"],
  ["timeline", "Timeline"],
  ["chaos", "Chaos"],
  ["time", "Time"],
];
