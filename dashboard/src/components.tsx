/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/** Small pieces every view uses. */
import type { ComponentChildren } from "preact";
import type { ApiError } from "./api.js";
import { isId } from "./format.js";
import { href } from "./route.js";

/** A link to the object page of `id`. */
export function IdLink({ ns, id }: { ns: string; id: string }) {
  return (
    <a class="id" href={href({ view: "object", ns, id })}>
      {id}
    </a>
  );
}

/** A Stripe error as the API answered it, announced to screen readers. */
export function ErrorBox({ error }: { error: ApiError }) {
  return (
    <div class="error" role="alert">
      <strong>{error.type ?? "error"}</strong>
      {error.param ? <span class="param"> ({error.param})</span> : null}: {error.message}
    </div>
  );
}

export function Loading() {
  return <p class="muted">Loading…</p>;
}

/** A titled section. */
export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions ? <div class="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** JSON, indented, with every id that names an object a link to it. */
export function Json({ value, ns }: { value: unknown; ns: string }) {
  return <pre class="json">{render(value, ns, 0)}</pre>;
}

function render(value: unknown, ns: string, depth: number): ComponentChildren {
  const pad = "  ".repeat(depth);
  const inner = "  ".repeat(depth + 1);
  if (typeof value === "string") {
    return isId(value) ? (
      <span class="s">
        "<a href={href({ view: "object", ns, id: value })}>{value}</a>"
      </span>
    ) : (
      <span class="s">{JSON.stringify(value)}</span>
    );
  }
  if (typeof value === "number") return <span class="n">{String(value)}</span>;
  if (typeof value === "boolean" || value === null) return <span class="k">{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return (
      <>
        {"[\n"}
        {value.map((v, i) => (
          <>
            {inner}
            {render(v, ns, depth + 1)}
            {i < value.length - 1 ? ",\n" : "\n"}
          </>
        ))}
        {pad}
        {"]"}
      </>
    );
  }
  if (typeof value === "object" && value !== undefined) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return (
      <>
        {"{\n"}
        {entries.map(([k, v], i) => (
          <>
            {inner}
            <span class="key">{JSON.stringify(k)}</span>
            {": "}
            {render(v, ns, depth + 1)}
            {i < entries.length - 1 ? ",\n" : "\n"}
          </>
        ))}
        {pad}
        {"}"}
      </>
    );
  }
  return String(value);
}
