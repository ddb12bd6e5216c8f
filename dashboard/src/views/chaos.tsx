/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/**
 * Chaos: the effective configuration, this namespace's layer (edited through
 * the API, so its validation and errors are the API's), its endpoint
 * overrides as a form, stats, the journal.
 */
import { useEffect, useState } from "preact/hooks";
import { nsPath, send, type ApiError } from "../api.js";
import { ErrorBox, Loading, Section } from "../components.js";
import { dateTime } from "../format.js";
import { useRevision } from "../live.js";
import type { JournalEntry, List } from "../types.js";
import { useData } from "../use-data.js";
import type { OverrideValue } from "../../../src/chaos/overrides.js";
import { ACTIONS, EMPTY_FORM, METHODS, describeOverride, overrideOf, withoutOverride, type ActionChoice, type OverrideForm } from "../overrides.js";

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

/** The endpoint overrides a layer holds (`api.endpoint_overrides`), whatever else it has or lacks. */
export function layerOverrides(layer: unknown): Record<string, OverrideValue | null> {
  const api = (layer as { api?: { endpoint_overrides?: unknown } } | null)?.api;
  const o = api?.endpoint_overrides;
  return o !== null && typeof o === "object" ? (o as Record<string, OverrideValue | null>) : {};
}

/**
 * This namespace's endpoint overrides, with a form to add one and a button to remove each. Adding is
 * one `POST /_chaos/config` of `{api: {endpoint_overrides: {key: value}}}`, which merges key by key, so
 * the rest of the layer stays; removing PUTs the layer without the key (see `withoutOverride`). A
 * refused override shows the API's error and changes nothing.
 */
export function OverridesEditor({ ns, layer, onSaved }: { ns: string; layer: unknown; onSaved: () => void }) {
  const [form, setForm] = useState<OverrideForm>(EMPTY_FORM);
  const [error, setError] = useState<ApiError | undefined>();
  const overrides = Object.entries(layerOverrides(layer));
  const set = (field: keyof OverrideForm) => (e: Event) => setForm({ ...form, [field]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  const save = async (method: "POST" | "PUT", body: unknown) => {
    const a = await send(method, nsPath(ns, "/_chaos/config"), body);
    setError(a.ok ? undefined : a.error);
    if (a.ok) onSaved();
    return a.ok;
  };
  const post = (key: string, value: OverrideValue) => save("POST", { api: { endpoint_overrides: { [key]: value } } });
  const add = async () => {
    const made = overrideOf(form);
    if ("error" in made) {
      setError({ type: "invalid_request_error", param: made.field, message: made.error });
      return;
    }
    if (await post(made.key, made.value)) setForm({ ...EMPTY_FORM, method: form.method });
  };
  const needs = { latency: form.action === "latency", status: form.action === "custom" || form.action === "server_error_status", body: form.action === "custom" };
  return (
    <div class="overrides">
      {overrides.length === 0 ? (
        <p class="muted">No endpoint override in this namespace's layer.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Answer</th>
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {overrides.map(([key, value]) => (
              <tr key={key}>
                <td>
                  <code>{key}</code>
                </td>
                <td>{describeOverride(value)}</td>
                <td>
                  <button type="button" aria-label={`Remove ${key}`} onClick={() => void save("PUT", withoutOverride(layer, key))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="filters"
        aria-label="Add an endpoint override"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label>
          Method
          <select aria-label="Method" value={form.method} onChange={set("method")}>
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m || "any"}
              </option>
            ))}
          </select>
        </label>
        <label>
          Path
          <input type="text" aria-label="Path" value={form.path} placeholder="/v1/payment_intents*" onInput={set("path")} aria-invalid={error?.param === "path" ? "true" : undefined} />
        </label>
        <label>
          Answer
          <select aria-label="Answer" value={form.action} onChange={(e) => setForm({ ...form, action: (e.target as HTMLSelectElement).value as ActionChoice, status: (e.target as HTMLSelectElement).value === "server_error_status" ? "503" : form.status })}>
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        {needs.latency ? (
          <label>
            Latency (ms)
            <input type="number" aria-label="Latency (ms)" min={0} value={form.latencyMs} onInput={set("latencyMs")} />
          </label>
        ) : null}
        {needs.status ? (
          <label>
            Status
            <input type="number" aria-label="Status" value={form.status} onInput={set("status")} />
          </label>
        ) : null}
        {needs.body ? (
          <label>
            Body (JSON)
            <input type="text" aria-label="Body (JSON)" value={form.body} onInput={set("body")} />
          </label>
        ) : null}
        <label>
          Times
          <input type="number" aria-label="Times" min={1} max={100} value={form.times} placeholder="every request" onInput={set("times")} />
        </label>
        <button type="submit">Add override</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
    </div>
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
      <Section title="Endpoint overrides">{layer.data !== undefined ? <OverridesEditor ns={ns} layer={layer.data} onSaved={() => setSaves((x) => x + 1)} /> : <Loading />}</Section>
      <Section title="Stats">{stats.data !== undefined ? <pre class="json">{JSON.stringify(stats.data, null, 2)}</pre> : <Loading />}</Section>
      <Section title="Journal">{journal.error ? <ErrorBox error={journal.error} /> : journal.data ? <JournalTable entries={journal.data.data} /> : <Loading />}</Section>
    </div>
  );
}
