/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/**
 * The resource browser: the registry's resources with their counts, and the
 * chosen one's objects with Stripe-style search and a status filter, both
 * done by the server (so they reach every object, not only a loaded page),
 * a page at a time.
 */
import { useState } from "preact/hooks";
import { nsPath } from "../api.js";
import { ErrorBox, IdLink, Loading, Section } from "../components.js";
import { plural, summary, unixTime } from "../format.js";
import { useRevision } from "../live.js";
import { href } from "../route.js";
import { parseQuery, valuesOf } from "../../../src/server/dashboard-search.js";
import type { List, ResourceCount, StripeObject } from "../types.js";
import { useData } from "../use-data.js";

export function ResourceNav({ ns, resources, selected, showEmpty }: { ns: string; resources: readonly ResourceCount[]; selected: string | undefined; showEmpty: boolean }) {
  const shown = resources.filter((r) => showEmpty || r.count > 0 || r.object === selected);
  return (
    <nav aria-label="Resources" class="resource-nav">
      <ul>
        {shown.map((r) => (
          <li key={r.object}>
            <a href={href({ view: "namespace", ns, tab: "resources", object: r.object })} aria-current={r.object === selected ? "page" : undefined}>
              <span>{plural(r.object)}</span>
              <span class="count">{r.count}</span>
            </a>
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <p class="muted">Nothing created yet.</p> : null}
    </nav>
  );
}

export function ObjectTable({ ns, objects }: { ns: string; objects: readonly StripeObject[] }) {
  if (objects.length === 0) return <p class="muted">No objects match.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Summary</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {objects.map((o) => (
          <tr key={o.id}>
            <td>
              <IdLink ns={ns} id={o.id} />
            </td>
            <td>{summary(o)}</td>
            <td>{typeof o.created === "number" ? unixTime(o.created) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Objects fetched at first, and added by each "Show more". */
export const PAGE = 100;

/** The API path of a resource's objects for a search, a status and a page size. */
export function objectsPath(ns: string, object: string, query: string, status: string, limit: number): string {
  const params = new URLSearchParams();
  if (query.trim() !== "") params.set("q", query);
  if (status !== "") params.set("status", status);
  if (limit !== PAGE) params.set("limit", String(limit));
  const qs = params.toString();
  return nsPath(ns, `/resources/${encodeURIComponent(object)}${qs ? `?${qs}` : ""}`);
}

function ObjectList({ ns, object }: { ns: string; object: string }) {
  const revision = useRevision(ns);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const parsed = parseQuery(query);
  // A query that cannot be read is shown at once, and the last good one stays asked.
  const [asked, setAsked] = useState("");
  const { data, error } = useData<List<StripeObject>>(objectsPath(ns, object, asked, status, limit), revision);
  const statuses = [...new Set([...(data ? valuesOf(data.data, "status") : []), ...(status ? [status] : [])])].sort();
  return (
    <Section title={plural(object)}>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={query}
            placeholder='email:"ada@example.com" amount>1000 -status:canceled'
            aria-describedby="search-help"
            onInput={(e) => {
              const text = (e.target as HTMLInputElement).value;
              setQuery(text);
              if (parseQuery(text).ok) {
                setAsked(text);
                setLimit(PAGE);
              }
            }}
          />
        </label>
        {statuses.length > 0 ? (
          <label>
            Status
            <select
              value={status}
              onChange={(e) => {
                setStatus((e.target as HTMLSelectElement).value);
                setLimit(PAGE);
              }}
            >
              <option value="">any</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </form>
      <p id="search-help" class="muted small">
        field:value (exact), field~text (contains), field&gt;n, -clause to negate, metadata["key"]:value, or any word.
      </p>
      {!parsed.ok ? <div class="error" role="alert">{parsed.error}</div> : null}
      {error ? <ErrorBox error={error} /> : data ? <ObjectTable ns={ns} objects={data.data} /> : <Loading />}
      {data?.has_more ? (
        <p>
          <button type="button" onClick={() => setLimit((n) => n + PAGE)}>
            Show {PAGE} more
          </button>{" "}
          <span class="muted small">Showing the newest {data.data.length} that match.</span>
        </p>
      ) : null}
    </Section>
  );
}

export function ResourcesView({ ns, object }: { ns: string; object: string | undefined }) {
  const revision = useRevision(ns);
  const { data, error } = useData<List<ResourceCount>>(nsPath(ns, "/resources"), revision);
  const [showEmpty, setShowEmpty] = useState(false);
  const chosen = object ?? data?.data.find((r) => r.count > 0 && r.object !== "event")?.object;
  return (
    <div class="browser">
      <aside>
        <label class="small">
          <input type="checkbox" checked={showEmpty} onChange={(e) => setShowEmpty((e.target as HTMLInputElement).checked)} /> Show empty resources
        </label>
        {error ? <ErrorBox error={error} /> : data ? <ResourceNav ns={ns} resources={data.data} selected={chosen} showEmpty={showEmpty} /> : <Loading />}
      </aside>
      <div class="browser-main">{chosen ? <ObjectList ns={ns} object={chosen} /> : data ? <p class="muted">Nothing created in this namespace yet.</p> : null}</div>
    </div>
  );
}
