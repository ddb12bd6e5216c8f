/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** Time: the server clock and the namespace's test clocks, with advance buttons. */
import { useState } from "preact/hooks";
import { nsPath, send, type ApiError } from "../api.js";
import { ErrorBox, Loading, Section } from "../components.js";
import { unixTime } from "../format.js";
import { useRevision } from "../live.js";
import type { List, ServerClock, StripeObject } from "../types.js";
import { useData } from "../use-data.js";

const STEPS: readonly (readonly [string, number])[] = [
  ["+1 hour", 3600],
  ["+1 day", 86_400],
  ["+1 month", 30 * 86_400],
];

export function TimeView({ ns }: { ns: string }) {
  const revision = useRevision(ns);
  const [moves, setMoves] = useState(0);
  const clock = useData<ServerClock>(nsPath(ns, "/_time"), revision + moves);
  const clocks = useData<List<StripeObject>>(nsPath(ns, "/test_clocks"), revision + moves);
  const [error, setError] = useState<ApiError | undefined>();
  const act = async (path: string, body: unknown) => {
    const a = await send("POST", nsPath(ns, path), body);
    setError(a.ok ? undefined : a.error);
    setMoves((m) => m + 1);
  };
  return (
    <div>
      {error ? <ErrorBox error={error} /> : null}
      <Section title="Server clock">
        {clock.data ? (
          <>
            <p class="big">
              <time data-testid="server-time">{clock.data.iso}</time> <span class="tag">{clock.data.mode}</span>
            </p>
            <p class="buttons">
              {STEPS.map(([label, seconds]) => (
                <button type="button" key={label} onClick={() => void act("/_time/advance", { seconds })}>
                  {label}
                </button>
              ))}
            </p>
          </>
        ) : clock.error ? (
          <ErrorBox error={clock.error} />
        ) : (
          <Loading />
        )}
      </Section>
      <Section title="Test clocks">
        {clocks.data ? (
          clocks.data.data.length === 0 ? (
            <p class="muted">No test clock in this namespace.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Test clock</th>
                  <th scope="col">Frozen time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Advance</th>
                </tr>
              </thead>
              <tbody>
                {clocks.data.data.map((c) => (
                  <tr key={c.id}>
                    <td>
                      {String(c.name ?? "")} <code>{c.id}</code>
                    </td>
                    <td>{unixTime(Number(c.frozen_time))}</td>
                    <td>{String(c.status)}</td>
                    <td class="buttons">
                      {STEPS.map(([label, seconds]) => (
                        <button type="button" key={label} onClick={() => void act(`/test_clocks/${encodeURIComponent(c.id)}/advance`, { frozen_time: Number(c.frozen_time) + seconds })}>
                          {label}
                        </button>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : (
          <Loading />
        )}
      </Section>
    </div>
  );
}
