/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** The events of a namespace, newest first, each with its payload, its delivery attempts and a resend button. */
import { useState } from "preact/hooks";
import { nsPath, send, type ApiError } from "../api.js";
import { ErrorBox, IdLink, Json, Loading, Section } from "../components.js";
import { dateTime, unixTime } from "../format.js";
import { useRevision } from "../live.js";
import type { DeliveryAttempt, EventWithDeliveries, List } from "../types.js";
import { useData } from "../use-data.js";

export function DeliveryTable({ attempts }: { attempts: readonly DeliveryAttempt[] }) {
  if (attempts.length === 0) return <p class="muted small">No delivery attempt (no endpoint or listener matched, or it is held by chaos).</p>;
  return (
    <table class="deliveries">
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Endpoint</th>
          <th scope="col" class="num">Attempt</th>
          <th scope="col">Response</th>
          <th scope="col" class="num">Time</th>
          <th scope="col">Next retry</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={`${a.at} ${a.endpoint} ${a.attempt}`} class={a.ok ? "ok" : "failed"}>
            <td>{dateTime(a.at)}</td>
            <td>
              {a.url ?? a.endpoint} <span class="muted small">{a.endpoint}</span>
            </td>
            <td class="num">
              {a.attempt}
              {a.duplicate ? <span class="tag warn">duplicate</span> : null}
            </td>
            <td>
              {a.status !== null ? `${a.status}${a.ok ? "" : " failed"}` : a.ok ? "delivered" : (a.error ?? "no answer")}
              {a.response_body ? <pre class="response-body small">{a.response_body}</pre> : null}
            </td>
            <td class="num">{a.duration_ms} ms</td>
            <td>{a.next_retry_at !== null ? dateTime(a.next_retry_at) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventRow({ ns, item, onResent }: { ns: string; item: EventWithDeliveries; onResent: () => void }) {
  const e = item.event;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const resend = async () => {
    setBusy(true);
    const a = await send("POST", nsPath(ns, `/_webhooks/events/${encodeURIComponent(e.id)}/resend`), { timeout: 10_000 });
    setBusy(false);
    setError(a.ok ? undefined : a.error);
    onResent();
  };
  const failed = item.deliveries.some((d) => !d.ok);
  return (
    <li class="event" data-event={e.id}>
      <details>
        <summary>
          <span class="tag">{e.type}</span> <code>{e.id}</code> <span class="muted small">{unixTime(e.created)}</span>{" "}
          <span class={failed ? "tag bad" : "tag"}>{item.deliveries.length} attempts</span>
        </summary>
        <div class="event-body">
          <p>
            Object: <IdLink ns={ns} id={String(e.data.object.id)} />
            {e.request.id ? <span class="muted small"> · request {e.request.id}</span> : null}
          </p>
          <h3>Delivery attempts</h3>
          <DeliveryTable attempts={item.deliveries} />
          <p>
            <button type="button" onClick={() => void resend()} disabled={busy}>
              {busy ? "Resending…" : "Resend"}
            </button>
          </p>
          {error ? <ErrorBox error={error} /> : null}
          <h3>Payload</h3>
          <Json value={e} ns={ns} />
        </div>
      </details>
    </li>
  );
}

/** Events fetched at first, and added by each "Show more". */
export const EVENTS_PAGE = 100;

/** The API path of the events of a type (`customer.*` allowed), a page size at a time. */
export function eventsPath(ns: string, type: string, limit: number): string {
  const params = new URLSearchParams();
  if (type.trim() !== "") params.set("q", type.trim());
  if (limit !== EVENTS_PAGE) params.set("limit", String(limit));
  const qs = params.toString();
  return nsPath(ns, `/events${qs ? `?${qs}` : ""}`);
}

export function EventsView({ ns }: { ns: string }) {
  const revision = useRevision(ns);
  const [type, setType] = useState("");
  const [limit, setLimit] = useState(EVENTS_PAGE);
  const { data, error, reload } = useData<List<EventWithDeliveries>>(eventsPath(ns, type, limit), revision);
  return (
    <Section title="Events">
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type
          <input
            type="search"
            value={type}
            placeholder="customer.* or payment_intent.succeeded"
            onInput={(e) => {
              setType((e.target as HTMLInputElement).value);
              setLimit(EVENTS_PAGE);
            }}
          />
        </label>
      </form>
      {error ? (
        <ErrorBox error={error} />
      ) : data ? (
        data.data.length === 0 ? (
          <p class="muted">{type.trim() ? "No events of this type." : "No events yet."}</p>
        ) : (
          <ul class="events">
            {data.data.map((item) => (
              <EventRow key={item.event.id} ns={ns} item={item} onResent={reload} />
            ))}
          </ul>
        )
      ) : (
        <Loading />
      )}
      {data?.has_more ? (
        <p>
          <button type="button" onClick={() => setLimit((n) => n + EVENTS_PAGE)}>
            Show {EVENTS_PAGE} more
          </button>{" "}
          <span class="muted small">Showing the newest {data.data.length}.</span>
        </p>
      ) : null}
    </Section>
  );
}
