/**
 * HTML for the hosted pages: an escaping template tag and the one layout every
 * page shares. Pages are server-rendered with no external assets (no CDN, no
 * fonts, no script files), so they load offline in CI; what little script a
 * page needs is inline.
 */

/** Markup that is already safe: what `html` returns, and what `raw` wraps. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A value interpolated into `html`: text is escaped, `Html` kept, arrays joined, null/undefined/false dropped. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * The template tag of every page: interpolated values are escaped unless they
 * are `Html` already, so a customer's name or a product's description can
 * never inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i += 1) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Trusted markup, as is (for inline CSS and script written in this folder, never for user data). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Money as a page shows it: `$12.34`, `€0.50`, `¥500` (zero-decimal currencies have no minor unit). */
export function formatMoney(amount: number, currency: string, zeroDecimal: boolean): string {
  const value = zeroDecimal ? amount : amount / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(value);
  } catch {
    return `${value.toFixed(zeroDecimal ? 0 : 2)} ${currency.toUpperCase()}`;
  }
}

const STYLE = raw(`
:root { color-scheme: light; --accent: #635bff; --text: #1a1f36; --muted: #697386; --line: #e3e8ee; --error: #df1b41; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: #f6f9fc; }
main { max-width: 960px; margin: 0 auto; padding: 32px 16px; }
h1 { font-size: 1.5rem; margin: 0 0 16px; }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 24px; }
.test-mode { display: inline-block; background: #ffde92; color: #983705; border-radius: 4px; padding: 0 6px; font-size: .75rem; font-weight: 600; text-transform: uppercase; }
label { display: block; font-size: .875rem; font-weight: 500; margin: 12px 0 4px; }
input, select { width: 100%; font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; }
input:focus, select:focus, button:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
button { font: inherit; font-weight: 600; border: 0; border-radius: 6px; padding: 10px 16px; cursor: pointer; background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--text); border: 1px solid var(--line); }
button.danger { background: var(--error); }
[role="alert"] { color: var(--error); margin: 12px 0; }
table { width: 100%; border-collapse: collapse; }
td, th { padding: 8px 0; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.amount, th.amount { text-align: right; white-space: nowrap; }
`);

/** The page every hosted page is: a title, Stripe's test-mode badge, and the content; `style` is a page's own CSS. */
export function layout(options: { title: string; body: Html; lang?: string; style?: Html }): Html {
  return html`<!doctype html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${STYLE}${options.style ?? null}</style>
</head>
<body>
<main>
<p><span class="test-mode">Test mode</span></p>
${options.body}
</main>
</body>
</html>
`;
}

/** What a page route answers: a page with its status, or a redirect (303, so a form post becomes a GET). */
export type PageAnswer = { readonly kind: "page"; readonly status: number; readonly body: Html } | { readonly kind: "redirect"; readonly location: string };

/** A page with its status (200 unless said otherwise). */
export function page(body: Html, status = 200): PageAnswer {
  return { kind: "page", status, body };
}

/** A redirect to `location`. */
export function redirect(location: string): PageAnswer {
  return { kind: "redirect", location };
}
