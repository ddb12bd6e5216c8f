/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** One object: its JSON, the objects it names and that name it, its events. */
import { nsPath } from "../api.js";
import { ErrorBox, IdLink, Json, Loading, Section } from "../components.js";
import { plural, summary, unixTime } from "../format.js";
import { useRevision } from "../live.js";
import { href } from "../route.js";
import type { ObjectPage, RelatedObject, StripeEvent } from "../types.js";
import { useData } from "../use-data.js";

function RelatedList({ ns, items, empty }: { ns: string; items: readonly RelatedObject[]; empty: string }) {
  if (items.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="related">
      {items.map((r) => (
        <li key={`${r.id} ${r.path}`}>
          <span class="tag">{r.object}</span> <IdLink ns={ns} id={r.id} /> <span class="muted small">{r.path}</span>
        </li>
      ))}
    </ul>
  );
}

export function EventList({ ns, events }: { ns: string; events: readonly StripeEvent[] }) {
  if (events.length === 0) return <p class="muted">No events name this object.</p>;
  return (
    <ul class="related">
      {events.map((e) => (
        <li key={e.id}>
          <span class="tag">{e.type}</span> <IdLink ns={ns} id={e.id} /> <span class="muted small">{unixTime(e.created)}</span>
        </li>
      ))}
    </ul>
  );
}

export function ObjectPageView({ ns, page }: { ns: string; page: ObjectPage }) {
  return (
    <div class="object-page">
      <header class="object-head">
        <p class="muted">
          <a href={href({ view: "namespace", ns, tab: "resources", object: page.object })}>{plural(page.object)}</a>
        </p>
        <h1>{page.data.id}</h1>
        <p>{summary(page.data)}</p>
      </header>
      <div class="columns">
        <Section title="Related objects">
          <h3>Named by this object</h3>
          <RelatedList ns={ns} items={page.related} empty="It names no other object." />
          <h3>Naming this object</h3>
          <RelatedList ns={ns} items={page.referrers} empty="No other object names it." />
        </Section>
        <Section title="Events">
          <EventList ns={ns} events={page.events} />
        </Section>
      </div>
      <Section title="JSON">
        <Json value={page.data} ns={ns} />
      </Section>
    </div>
  );
}

export function ObjectView({ ns, id }: { ns: string; id: string }) {
  const revision = useRevision(ns);
  const { data, error } = useData<ObjectPage>(nsPath(ns, `/objects/${encodeURIComponent(id)}`), revision);
  if (error) return <ErrorBox error={error} />;
  return data ? <ObjectPageView ns={ns} page={data} /> : <Loading />;
}
