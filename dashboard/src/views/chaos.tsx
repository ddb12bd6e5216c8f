/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/**
 * Chaos: the effective configuration, this namespace's layer (edited through
 * the API, so its validation and errors are the API's), stats, the journal.
 */
import { useEffect, useState } from "preact/hooks";
import { nsPath, send, type ApiError } from "../api.js";
import { ErrorBox, Loading, Section } from "../components.js";
import { dateTime } from "../format.js";
import { useRevision } from "../live.js";
import type { JournalEntry, List } from "../types.js";
import { useData } from "../use-data.js";

export function JournalTable({ entries }: { entries: readonly JournalEntry[] }) {
  if (entries.length === 0) return <p class="muted">No fault injected yet.</p>;
  return (
    <table class="journal">
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Domain</th>
          <th scope="col">Fault</th>
          <th scope="col">Rule</th>
          <th scope="col">Where</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
          <tr key={`${e.at} ${i}`}>
            <td>{dateTime(e.at)}</td>
            <td>{e.domain}</td>
            <td>
              <span class="tag bad">{e.kind}</span>
            </td>
            <td>
              <code>{e.rule}</code>
            </td>
            <td>{[e.method && e.path ? `${e.method} ${e.path}` : undefined, e.customer, e.event_type, e.event_id, e.request_id].filter(Boolean).join(" · ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The layer editor: JSON in a textarea, saved with `PUT /_chaos/config`; a refused layer shows the API's error and changes nothing. */
export function LayerEditor({ ns, layer, onSaved }: { ns: string; layer: unknown; onSaved: () => void }) {
  const [text, setText] = useState(JSON.stringify(layer, null, 2));
  const [error, setError] = useState<ApiError | undefined>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setText(JSON.stringify(layer, null, 2)), [JSON.stringify(layer)]);
  const save = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      setError({ type: "invalid_json", message: (err as Error).message });
      return;
    }
    const a = await send("PUT", nsPath(ns, "/_chaos/config"), body);
    setSaved(a.ok);
    setError(a.ok ? undefined : a.error);
    if (a.ok) onSaved();
  };
  return (
    <form
      class="layer"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label for="chaos-layer">This namespace's layer (JSON, as PUT /_chaos/config takes it)</label>
      <textarea id="chaos-layer" rows={12} spellcheck={false} value={text} aria-invalid={error ? "true" : undefined} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {error ? <ErrorBox error={error} /> : saved ? <p role="status">Saved.</p> : null}
      <p>
        <button type="submit">Save layer</button>
      </p>
    </form>
  );
}

export function ChaosView({ ns }: { ns: string }) {
  const revision = useRevision(ns);
  const [saves, setSaves] = useState(0);
  const effective = useData<unknown>(nsPath(ns, "/_chaos/config"), saves);
  const layer = useData<unknown>(nsPath(ns, "/_chaos/config?layer=namespace"), saves);
  const stats = useData<unknown>(nsPath(ns, "/_chaos/stats"), revision + saves);
  const journal = useData<List<JournalEntry>>(nsPath(ns, "/_chaos/journal?limit=200"), revision + saves);
  return (
    <div class="chaos">
      <div class="columns">
        <Section title="Namespace layer">{layer.error ? <ErrorBox error={layer.error} /> : layer.data !== undefined ? <LayerEditor ns={ns} layer={layer.data} onSaved={() => setSaves((s) => s + 1)} /> : <Loading />}</Section>
        <Section title="Effective configuration">{effective.error ? <ErrorBox error={effective.error} /> : effective.data !== undefined ? <pre class="json" data-testid="effective">{JSON.stringify(effective.data, null, 2)}</pre> : <Loading />}</Section>
      </div>
      <Section title="Stats">{stats.data !== undefined ? <pre class="json">{JSON.stringify(stats.data, null, 2)}</pre> : <Loading />}</Section>
      <Section title="Journal">{journal.error ? <ErrorBox error={journal.error} /> : journal.data ? <JournalTable entries={journal.data.data} /> : <Loading />}</Section>
    </div>
  );
}
