/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/**
 * A namespace's timeline: requests, events, deliveries and faults on one time
 * axis, one lane each, so a reordered or duplicated webhook and the fault
 * behind a retry stand out.
 */
import { useState } from "preact/hooks";
import { nsPath } from "../api.js";
import { ErrorBox, Loading, Section } from "../components.js";
import { clockTime, offset } from "../format.js";
import { useRevision } from "../live.js";
import { href } from "../route.js";
import { LANES, layout, visible, type PlacedItem } from "../timeline.js";
import type { List, TimelineItem, TimelineKind } from "../types.js";
import { useData } from "../use-data.js";

const LANE_NAMES: Record<TimelineKind, string> = { request: "Requests", event: "Events", delivery: "Deliveries", fault: "Faults" };

function Mark({ ns, item }: { ns: string; item: PlacedItem }) {
  const classes = ["mark", item.kind, item.failed ? "failed" : "", item.repeated ? "repeated" : "", item.reordered ? "reordered" : ""].filter(Boolean).join(" ");
  const label = (
    <>
      {item.label}
      {item.repeated ? <span class="tag warn">again</span> : null}
      {item.reordered ? <span class="tag warn">out of order</span> : null}
    </>
  );
  const ref = item.kind === "request" ? item.ref : item.kind === "event" || item.kind === "delivery" ? item.ref : null;
  return <div class={classes}>{ref ? <a href={href({ view: "object", ns, id: ref })}>{label}</a> : label}</div>;
}

export function TimelineTable({ ns, items }: { ns: string; items: readonly PlacedItem[] }) {
  if (items.length === 0) return <p class="muted">Nothing happened in this namespace yet.</p>;
  return (
    <table class="timeline">
      <thead>
        <tr>
          <th scope="col">Time</th>
          {LANES.map((l) => (
            <th scope="col" key={l}>
              {LANE_NAMES[l]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((it, i) => (
          <tr key={i} data-kind={it.kind}>
            <td class="when">
              <time>{clockTime(it.at)}</time> <span class="muted small">{offset(it.offset_ms)}</span>
            </td>
            {LANES.map((l, lane) => (
              <td key={l} class="lane">
                {lane === it.lane ? <Mark ns={ns} item={it} /> : null}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TimelineView({ ns }: { ns: string }) {
  const revision = useRevision(ns);
  const { data, error } = useData<List<TimelineItem>>(nsPath(ns, "/timeline"), revision);
  const [shown, setShown] = useState<ReadonlySet<TimelineKind>>(new Set(LANES));
  const toggle = (k: TimelineKind) => {
    const next = new Set(shown);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setShown(next);
  };
  return (
    <Section
      title="Timeline"
      actions={
        <fieldset class="inline">
          <legend class="sr-only">Show</legend>
          {LANES.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={shown.has(k)} onChange={() => toggle(k)} /> {LANE_NAMES[k]}
            </label>
          ))}
        </fieldset>
      }
    >
      {error ? <ErrorBox error={error} /> : data ? <TimelineTable ns={ns} items={visible(layout(data.data), shown)} /> : <Loading />}
    </Section>
  );
}
