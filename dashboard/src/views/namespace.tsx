/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** One namespace: its tabs and its actions (flush it, reset its chaos). */
import { useState } from "preact/hooks";
import { nsPath, send, type ApiError } from "../api.js";
import { ErrorBox } from "../components.js";
import { href, NAMESPACE_TABS, type Tab } from "../route.js";
import { ChaosView } from "./chaos.js";
import { EventsView } from "./events.js";
import { ResourcesView } from "./resources.js";
import { TimelineView } from "./timeline.js";
import { TimeView } from "./time.js";

export function Tabs({ ns, tab }: { ns: string; tab: Tab | undefined }) {
  return (
    <nav class="tabs" aria-label="Namespace">
      {NAMESPACE_TABS.map(([t, label]) => (
        <a key={t} href={href({ view: "namespace", ns, tab: t })} aria-current={t === tab ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

function Actions({ ns }: { ns: string }) {
  const [note, setNote] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const act = async (what: string, method: "POST" | "DELETE", path: string) => {
    if (!confirm(`${what} in namespace ${ns}?`)) return;
    const a = await send(method, nsPath(ns, path));
    setError(a.ok ? undefined : a.error);
    setNote(a.ok ? `${what}: done.` : undefined);
  };
  return (
    <div class="ns-actions">
      <button type="button" class="danger" onClick={() => void act("Flush the namespace", "POST", "/_test/flush")}>
        Flush namespace
      </button>
      <button type="button" onClick={() => void act("Reset chaos", "DELETE", "/_chaos/config")}>
        Reset chaos
      </button>
      {note ? <span role="status">{note}</span> : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}

export function NamespaceHeader({ ns, tab }: { ns: string; tab: Tab | undefined }) {
  return (
    <header class="ns-head">
      <h1>
        <span class="muted">Namespace</span> {ns}
      </h1>
      <Actions ns={ns} />
      <Tabs ns={ns} tab={tab} />
    </header>
  );
}

export function NamespaceView({ ns, tab, object }: { ns: string; tab: Tab; object: string | undefined }) {
  const body = {
    resources: () => <ResourcesView ns={ns} object={object} />,
    events: () => <EventsView ns={ns} />,
    timeline: () => <TimelineView ns={ns} />,
    chaos: () => <ChaosView ns={ns} />,
    time: () => <TimeView ns={ns} />,
  }[tab];
  return (
    <>
      <NamespaceHeader ns={ns} tab={tab} />
      {body()}
    </>
  );
}
