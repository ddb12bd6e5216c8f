/** Reading an API path into a view, again whenever `revision` changes, keeping the last answer while it reloads. */
import { useEffect, useState } from "preact/hooks";
import { get, type ApiError } from "./api.js";

export interface Data<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly reload: () => void;
}

export function useData<T>(path: string, revision: number): Data<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | undefined; path: string }>({ data: undefined, error: undefined, path });
  const [bump, setBump] = useState(0);
  useEffect(() => {
    let current = true;
    void get<T>(path).then((a) => {
      if (!current) return;
      setState(a.ok ? { data: a.body, error: undefined, path } : { data: undefined, error: a.error, path });
    });
    return () => {
      current = false;
    };
  }, [path, revision, bump]);
  // A different path shows nothing stale from the last one.
  const fresh = state.path === path;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, reload: () => setBump((b) => b + 1) };
}
