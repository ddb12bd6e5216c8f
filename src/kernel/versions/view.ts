/**
 * @module view
 * One API version as the code sees it: the behaviour defaults it has, and
 * which changes of the table are newer than it (undone, newest first, on its
 * answers). Handlers read `ctx.version.features`, never the version itself.
 */
import { DEFAULT_API_VERSION, isBefore } from "../version.js";
import type { Shape } from "../params/param.js";
import type { ExpandTarget, Feature, RequestChange, ShapeChange, VersionChange } from "./change.js";
import { VERSION_CHANGES } from "./changes.js";

/** What one API version changes in the core's behaviour and answers. */
export interface ApiVersionView {
  /** The version (`2023-10-16`). */
  readonly name: string;
  /** Behaviour defaults of the version. */
  readonly features: Readonly<Record<Feature, boolean>>;
  /** Whether no shape change applies: answers go out as the core makes them. */
  readonly current: boolean;
  /** The shape changes to undo on objects of type `object`, newest first. */
  shapeChanges(object: string): readonly ShapeChange[];
  /** The expandable fields of objects of type `object` in this version, given those the core declares. */
  expandable(object: string, declared: Readonly<Record<string, ExpandTarget>>): Readonly<Record<string, ExpandTarget>>;
  /** Whether the version no longer has the endpoint (`GET`, `/v1/invoices/upcoming`). */
  removes(method: string, path: string): boolean;
  /** Parameters this version still takes on every endpoint of a kind, beyond the endpoint's own. */
  extraParams(kind: "list"): Shape | undefined;
  /** The rewrites of a request to `endpoint` (`POST /v1/promotion_codes`) into the newest parameters, oldest first. */
  requestChanges(endpoint: string): readonly RequestChange[];
}

const ALL_FEATURES: readonly Feature[] = ["automatic_payment_methods_by_default", "forever_amount_off_coupons_refused", "refund_events_for_charge_refunds"];

/** The changes newer than `version`, newest first. */
function newerThan(version: string, changes: readonly VersionChange[]): VersionChange[] {
  return changes.filter((c) => isBefore(version, c.version)).reverse();
}

/** Builds the view of `version` over a table of changes (the real table unless given). */
export function buildVersionView(version: string, changes: readonly VersionChange[] = VERSION_CHANGES): ApiVersionView {
  const undone = newerThan(version, changes);
  const features = Object.fromEntries(ALL_FEATURES.map((f) => [f, true])) as Record<Feature, boolean>;
  const shapes = new Map<string, ShapeChange[]>();
  const removed = new Set<string>();
  const extra: Record<string, unknown> = {};
  const requests = new Map<string, RequestChange[]>();
  for (const c of undone) {
    if (c.kind === "feature") features[c.feature] = false;
    else if (c.kind === "shape") shapes.set(c.object, [...(shapes.get(c.object) ?? []), c]);
    else if (c.kind === "params") Object.assign(extra, c.params);
    // `undone` is newest first; a request is brought up oldest first.
    else if (c.kind === "request") requests.set(c.endpoint, [c, ...(requests.get(c.endpoint) ?? [])]);
  }
  // The endpoints a change removed are gone from its version on; older versions still have them.
  for (const c of changes) if (c.kind === "endpoints" && !undone.includes(c)) for (const e of c.removed) removed.add(e);
  const extraShape = Object.keys(extra).length ? (extra as Shape) : undefined;
  return {
    name: version,
    features,
    current: shapes.size === 0,
    shapeChanges: (object) => shapes.get(object) ?? [],
    expandable(object, declared) {
      const added = shapes.get(object)?.filter((c) => c.expandable);
      if (!added?.length) return declared;
      return Object.assign({}, declared, ...added.map((c) => c.expandable)) as Record<string, ExpandTarget>;
    },
    removes: (method, path) => removed.has(`${method} ${path}`),
    extraParams: () => extraShape,
    requestChanges: (endpoint) => requests.get(endpoint) ?? [],
  };
}

const views = new Map<string, ApiVersionView>();

/** The view of a (valid) version, built once per version. */
export function versionView(version: string = DEFAULT_API_VERSION): ApiVersionView {
  let view = views.get(version);
  if (!view) {
    view = buildVersionView(version);
    // Versions are checked before they get here; the bound only keeps a long run's memo small.
    if (views.size < 256) views.set(version, view);
  }
  return view;
}
