/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** Every namespace with its object count and last activity. */
import { ErrorBox, Loading, Section } from "../components.js";
import { ago, dateTime } from "../format.js";
import { useRevision } from "../live.js";
import { href } from "../route.js";
import type { List, NamespaceSummary } from "../types.js";
import { useData } from "../use-data.js";

export function NamespacesTable({ namespaces, now }: { namespaces: readonly NamespaceSummary[]; now: number }) {
  if (namespaces.length === 0) return <p class="muted">No namespace holds anything yet. Send a request to the API and it appears here.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Namespace</th>
          <th scope="col" class="num">Objects</th>
          <th scope="col" class="num">Events</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        {namespaces.map((n) => (
          <tr key={n.name}>
            <td>
              <a href={href({ view: "namespace", ns: n.name, tab: "resources" })}>{n.name}</a>
            </td>
            <td class="num">{n.objects}</td>
            <td class="num">{n.events}</td>
            <td>{n.last_activity === null ? "—" : <time title={dateTime(n.last_activity)}>{ago(n.last_activity, now)}</time>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NamespacesView() {
  const revision = useRevision();
  const { data, error } = useData<List<NamespaceSummary>>("/namespaces", revision);
  return (
    <Section title="Namespaces">
      {error ? <ErrorBox error={error} /> : data ? <NamespacesTable namespaces={data.data} now={Date.now()} /> : <Loading />}
    </Section>
  );
}
