/**
 * @module quotes/pdf
 * The PDF of a finalized quote: one page that lists its number, customer, lines and totals, so
 * that a test which downloads it gets a real, openable PDF (Stripe's own layout is not copied).
 * Written by hand as the smallest valid PDF 1.4: one font, one text stream, and the xref table
 * of byte offsets a reader needs.
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import type { Quote } from "./machine.js";

const money = (amount: number, currency: string | null): string => `${(amount / 100).toFixed(2)} ${(currency ?? "").toUpperCase()}`;
/** PDF string literals escape backslashes and parentheses; anything outside printable ASCII becomes `?`. */
const text = (s: string): string => s.replace(/[^\x20-\x7e]/g, "?").replace(/([\\()])/g, "\\$1");

export function quotePdf(q: Quote, lines: readonly Wire<Stripe.LineItem>[]): Uint8Array {
  const rows = [
    `Quote ${q.number ?? q.id}`,
    `Customer: ${typeof q.customer === "string" ? q.customer : (q.customer?.id ?? "")}`,
    ...(q.header ? [q.header] : []),
    ...lines.map((l) => `${l.quantity ?? 1} x ${l.description ?? ""}  ${money(l.amount_total, l.currency)}`),
    `Total due at acceptance: ${money(q.amount_total, q.currency)}`,
    ...(q.computed.recurring ? [`Then ${money(q.computed.recurring.amount_total, q.currency)} every ${q.computed.recurring.interval_count} ${q.computed.recurring.interval}(s)`] : []),
    ...(q.footer ? [q.footer] : []),
  ];
  const stream = ["BT", "/F1 12 Tf", "72 760 Td", "16 TL", ...rows.map((r) => `(${text(r)}) '`), "ET"].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}
