/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** The dashboard: the header, the live indicator, and the view the address names. */
import { useEffect, useState } from "preact/hooks";
import { LiveContext, useLiveFeed } from "./live.js";
import { href, parseRoute, type Route } from "./route.js";
import { NamespacesView } from "./views/namespaces.js";
import { NamespaceHeader, NamespaceView } from "./views/namespace.js";
import { ObjectView } from "./views/object.js";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => {
      setRoute(parseRoute(location.hash));
      // A new view starts at its top, and focus goes to it for keyboard users.
      document.getElementById("main")?.focus();
    };
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function View({ route }: { route: Route }) {
  if (route.view === "namespaces") return <NamespacesView />;
  if (route.view === "object")
    return (
      <>
        <NamespaceHeader ns={route.ns} tab={undefined} />
        <ObjectView ns={route.ns} id={route.id} />
      </>
    );
  return <NamespaceView ns={route.ns} tab={route.tab} object={route.object} />;
}

export function App() {
  const live = useLiveFeed();
  const route = useRoute();
  return (
    <LiveContext.Provider value={live}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href({ view: "namespaces" })}>
          paper-tiger
        </a>
        <span class="muted">dashboard</span>
        <span class={live.connected ? "live on" : "live"} role="status" aria-live="polite">
          {live.connected ? "live" : "offline"}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <View route={route} />
      </main>
    </LiveContext.Provider>
  );
}
