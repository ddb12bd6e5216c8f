/**
 * The timeline's layout: items of four kinds on one time axis, one lane per
 * kind, with what makes a reordered or duplicated webhook visible (an event
 * delivered more than once, deliveries out of their events' order) and the
 * fault each request met. Pure.
 */
import type { TimelineItem, TimelineKind } from "./types.js";

/** The lanes, left to right. */
export const LANES: readonly TimelineKind[] = ["request", "event", "delivery", "fault"];

/** An item placed: its lane, its offset from the first item, and marks. */
export interface PlacedItem extends TimelineItem {
  readonly lane: number;
  readonly offset_ms: number;
  /** A delivery of an event delivered before (a duplicate or a retry). */
  readonly repeated: boolean;
  /** A delivery whose event was recorded before one its endpoint already got. */
  readonly reordered: boolean;
}

/** Places items (oldest first) on lanes. */
export function layout(items: readonly TimelineItem[]): PlacedItem[] {
  const start = items[0]?.at ?? 0;
  const eventOrder = new Map<string, number>();
  items.forEach((it, i) => {
    if (it.kind === "event" && it.ref !== null && !eventOrder.has(it.ref)) eventOrder.set(it.ref, i);
  });
  const delivered = new Set<string>();
  // Per endpoint: the latest-recorded event it got so far.
  const newest = new Map<string, number>();
  return items.map((it) => {
    let repeated = false;
    let reordered = false;
    if (it.kind === "delivery" && it.ref !== null) {
      const endpoint = String(it.detail.endpoint ?? "");
      const key = `${it.ref} ${endpoint}`;
      repeated = delivered.has(key);
      delivered.add(key);
      const order = eventOrder.get(it.ref);
      if (order !== undefined && !repeated) {
        const before = newest.get(endpoint) ?? -1;
        reordered = order < before;
        newest.set(endpoint, Math.max(before, order));
      }
    }
    return { ...it, lane: LANES.indexOf(it.kind), offset_ms: it.at - start, repeated, reordered };
  });
}

/** Items whose kind is shown. */
export function visible(items: readonly PlacedItem[], shown: ReadonlySet<TimelineKind>): PlacedItem[] {
  return items.filter((i) => shown.has(i.kind));
}
