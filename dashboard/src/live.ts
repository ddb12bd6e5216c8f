/**
 * The live feed in the page: one EventSource for the whole dashboard, and a
 * revision number views re-read on, bumped at most every 200 ms.
 */
import { createContext } from "preact";
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { liveUrl } from "./api.js";
import type { LiveItem } from "./types.js";

/** What views read of the feed: a revision per namespace (and of all), and whether it is connected. */
export interface Live {
  readonly revision: number;
  readonly byNamespace: ReadonlyMap<string, number>;
  readonly connected: boolean;
}

export const LiveContext = createContext<Live>({ revision: 0, byNamespace: new Map(), connected: false });

/** Opens the feed; the provider's value. */
export function useLiveFeed(): Live {
  const [live, setLive] = useState<Live>({ revision: 0, byNamespace: new Map(), connected: false });
  const pending = useRef<Set<string>>(new Set());
  useEffect(() => {
    const source = new EventSource(liveUrl());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const touched = pending.current;
      pending.current = new Set();
      setLive((l) => {
        const byNamespace = new Map(l.byNamespace);
        for (const ns of touched) byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1);
        return { revision: l.revision + 1, byNamespace, connected: true };
      });
    };
    source.onopen = () => setLive((l) => ({ ...l, connected: true }));
    source.onerror = () => setLive((l) => ({ ...l, connected: false }));
    source.onmessage = (m: MessageEvent<string>) => {
      const item = JSON.parse(m.data) as LiveItem;
      pending.current.add(item.namespace);
      timer ??= setTimeout(flush, 200);
    };
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return live;
}

/** The revision to re-read on: the namespace's, or every namespace's. */
export function useRevision(ns?: string): number {
  const live = useContext(LiveContext);
  return ns === undefined ? live.revision : (live.byNamespace.get(ns) ?? 0);
}
