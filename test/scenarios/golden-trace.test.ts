/**
 * The golden trace: what paper-tiger answers and records, step by step, for a
 * set of scenarios driven through the official SDK on a manual clock and a
 * fixed chaos seed, compared with the committed `golden-trace.txt`.
 *
 * It pins behaviour while the code underneath is reorganised: every step's
 * HTTP status and whole body (or error), and the events it recorded, in
 * order, with their `previous_attributes`. Whatever differs run to run is
 * made stable before comparing: ids are renumbered per prefix by first
 * appearance in the scenario (`cus_1`, `pi_2`...), client secrets, webhook
 * secrets, request ids, invoice prefixes, receipt URLs, refund ARNs and the
 * wall-clock time in `request_log_url` are masked.
 *
 * When behaviour changes on purpose, rewrite the file and review its diff:
 *
 *   UPDATE_GOLDEN=1 node --import tsx --test test/scenarios/golden-trace.test.ts
 *
 * and say in the commit which behaviour changed and why.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import type { PaperTigerOptions } from "../../src/index.js";

const FILE = new URL("./golden-trace.txt", import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const START = Date.parse("2030-01-15T12:00:00Z");
const DAY_MS = 86_400_000;
const SEED = 20_260_115;
const HEADER = [
  "# The golden trace: see test/scenarios/golden-trace.test.ts.",
  "# Rewrite with UPDATE_GOLDEN=1 node --import tsx --test test/scenarios/golden-trace.test.ts, review the diff,",
  "# and say in the commit which behaviour changed and why.",
];

// ---------------------------------------------------------------------------
// Making a trace stable

/** Masks applied to every string before ids are renumbered (what is random or wall-clock time). */
const MASKS: ReadonlyArray<[RegExp, string]> = [
  [/_secret_[A-Za-z0-9]+/g, "_secret_<masked>"],
  [/\bwhsec_[A-Za-z0-9]+/g, "whsec_<masked>"],
  [/\breq_[A-Za-z0-9]{14}\b/g, "req_<masked>"],
  [/(receipts\/payment\/)[A-Za-z0-9]+/g, "$1<masked>"],
  [/([?&]t=)\d+/g, "$1<now>"],
  [/^\d{23}$/, "<arn>"],
  // The SDK's own idempotency keys for retries.
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>"],
];

/** An object id: a prefix (lower case words) and 14 or 24 random characters. */
const ID = /(?<![A-Za-z0-9])(upcoming_in|[a-z]+)_([A-Za-z0-9]{24}|[A-Za-z0-9]{14})(?![A-Za-z0-9])/g;

class Renumbering {
  readonly #ids = new Map<string, string>();
  readonly #counts = new Map<string, number>();
  readonly #prefixes = new Map<string, string>();

  /** Invoice prefixes are random: each gets a stable name, found before the strings that contain it. */
  notePrefixes(value: unknown): void {
    if (Array.isArray(value)) for (const v of value) this.notePrefixes(v);
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "invoice_prefix" && typeof v === "string" && !this.#prefixes.has(v)) this.#prefixes.set(v, `PREFIX${this.#prefixes.size + 1}`);
        else this.notePrefixes(v);
      }
    }
  }

  string(s: string): string {
    let out = s;
    for (const [re, to] of MASKS) out = out.replace(re, to);
    for (const [prefix, name] of this.#prefixes) if (out.includes(prefix)) out = out.split(prefix).join(name);
    return out.replace(ID, (id, prefix: string) => {
      let named = this.#ids.get(id);
      if (!named) {
        const n = (this.#counts.get(prefix) ?? 0) + 1;
        this.#counts.set(prefix, n);
        named = `${prefix}_${n}`;
        this.#ids.set(id, named);
      }
      return named;
    });
  }

  /** One line per leaf, `path: value`, keys sorted, ids renumbered. */
  flatten(value: unknown, path: string, out: string[]): void {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${path}: []`);
      value.forEach((v, i) => this.flatten(v, `${path}[${i}]`, out));
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort();
      if (keys.length === 0) out.push(`${path}: {}`);
      for (const k of keys) this.flatten((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    } else {
      out.push(`${path}: ${typeof value === "string" ? JSON.stringify(this.string(value)) : String(value)}`);
    }
  }

  /** A compact one-line JSON, keys sorted, ids renumbered. */
  compact(value: unknown): string {
    const sorted = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sorted);
      if (v !== null && typeof v === "object") {
        return Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        );
      }
      return typeof v === "string" ? this.string(v) : v;
    };
    return JSON.stringify(sorted(value));
  }
}

// ---------------------------------------------------------------------------
// Recording a scenario

interface SdkResponse {
  method: string;
  path: string;
  status: number;
}

/** The fields of an SDK error that came from the response body. */
function errorBody(err: Stripe.errors.StripeError): Record<string, unknown> {
  const { headers: _h, statusCode: _s, requestId: _r, ...body } = err.raw as Record<string, unknown>;
  return { error: body };
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

class Trace {
  readonly lines: string[] = [];
  readonly #names = new Renumbering();
  readonly #seen = new Set<string>();
  #responses: SdkResponse[] = [];
  /** While the trace lists events, its own requests are not a step's. */
  #listing = false;

  constructor(
    readonly s: TestServer,
    readonly stripe: Stripe,
  ) {
    stripe.on("response", (r: Stripe.ResponseEvent) => {
      if (!this.#listing) this.#responses.push({ method: r.method, path: r.path, status: r.status });
    });
  }

  /** Runs one SDK call (or several), records what it answered and the events it recorded. */
  async step<T>(label: string, call: () => Promise<T>): Promise<T> {
    const outcome = await this.#run(label, call);
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }

  /** A step that must be refused: records the error, answers it. */
  async refused(label: string, call: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
    const outcome = await this.#run(label, call);
    if (!("error" in outcome)) throw new Error(`${label}: expected a Stripe error, got an answer`);
    return outcome.error;
  }

  /** A step whose answer may be an error or not: records either. */
  async call(label: string, call: () => Promise<unknown>): Promise<void> {
    await this.#run(label, call);
  }

  /** A raw HTTP request (test helpers the SDK does not know). */
  async raw(label: string, method: string, path: string, body: object): Promise<unknown> {
    return this.step(label, async () => {
      const res = await this.s.raw(method, path, { body });
      this.#responses.push({ method, path, status: res.status });
      if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
      return res.json as unknown;
    });
  }

  /** An in-process action (server time, chaos); records the events it caused. */
  async act(label: string, fn: () => Promise<void> | void): Promise<void> {
    await this.#run(label, async () => {
      await fn();
      return undefined;
    });
  }

  async #run<T>(label: string, call: () => Promise<T>): Promise<{ value: T } | { error: Stripe.errors.StripeError }> {
    this.#responses = [];
    let outcome: { value: T } | { error: Stripe.errors.StripeError };
    try {
      outcome = { value: await call() };
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeError)) throw err;
      outcome = { error: err };
    }
    const responses = this.#responses;
    const events = (await this.#newEvents()).map((e) => plain(e) as Stripe.Event);
    // As JSON has it: the SDK turns decimal strings into Decimal objects.
    const body = plain("error" in outcome ? errorBody(outcome.error) : outcome.value);
    this.#names.notePrefixes(body);
    for (const e of events) this.#names.notePrefixes(e);
    this.lines.push("", `--- ${label}`);
    for (const r of responses) this.lines.push(`${r.method} ${this.#names.string(r.path)} -> ${r.status}`);
    if (body !== undefined) this.#names.flatten(body, "", this.lines);
    for (const e of events) {
      const object = e.data.object as { id?: string; object?: string };
      const prev = e.data.previous_attributes;
      this.lines.push(`event ${e.type} ${this.#names.string(object.id ?? `(${object.object})`)}${prev ? ` previous_attributes=${this.#names.compact(prev)}` : ""}`);
    }
    return outcome;
  }

  /** Events recorded since the last step, oldest first (listing is newest first, in insertion order). */
  async #newEvents(): Promise<Stripe.Event[]> {
    const fresh: Stripe.Event[] = [];
    this.#listing = true;
    try {
      for await (const e of this.stripe.events.list({ limit: 100 })) {
        if (this.#seen.has(e.id)) break;
        fresh.push(e);
      }
    } finally {
      this.#listing = false;
    }
    fresh.reverse();
    for (const e of fresh) this.#seen.add(e.id);
    return fresh;
  }
}

// ---------------------------------------------------------------------------
// Comparing with the committed file

/** The committed blocks, by scenario title. */
function committedBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(FILE, "utf8");
  } catch {
    return blocks;
  }
  for (const chunk of text.split(/^=== /m).slice(1)) {
    const nl = chunk.indexOf("\n");
    blocks.set(chunk.slice(0, nl), chunk.slice(nl + 1).trimEnd());
  }
  return blocks;
}

/** The first lines where two blocks part, with a little context. */
function firstDifference(want: string, got: string): string {
  const a = want.split("\n");
  const b = got.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[]) => lines.slice(from, i + 6).map((l, k) => `${String(from + k + 1).padStart(5)}  ${l}`).join("\n");
  return `first difference at line ${i + 1} of the block:\n--- committed\n${show(a)}\n--- now\n${show(b)}`;
}

const committed = committedBlocks();
const recorded = new Map<string, string>();
const declared: string[] = [];

after(() => {
  if (!UPDATE) return;
  // Scenarios not run this time (a name pattern) keep their committed block.
  const body = declared
    .flatMap((title) => {
      const block = recorded.get(title) ?? committed.get(title);
      return block === undefined ? [] : [`=== ${title}\n${block}\n`];
    })
    .join("\n");
  writeFileSync(FILE, `${HEADER.join("\n")}\n\n${body}`);
});

/** One scenario: a fresh server on a manual clock and a fixed seed, compared with its committed block. */
function scenario(title: string, run: (t: Trace) => Promise<void>, options: PaperTigerOptions = {}): void {
  declared.push(title);
  test(title, { timeout: 120_000 }, async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: START }, seed: SEED, ...options });
    const t = new Trace(s, s.stripe());
    await run(t);
    const block = t.lines.join("\n").trim();
    recorded.set(title, block);
    if (UPDATE) return;
    const want = committed.get(title);
    assert.ok(want !== undefined, `no committed block for "${title}" in golden-trace.txt (record it with UPDATE_GOLDEN=1)`);
    if (want !== block) assert.fail(`"${title}" differs from golden-trace.txt (UPDATE_GOLDEN=1 rewrites it)\n${firstDifference(want, block)}`);
  });
}

// ---------------------------------------------------------------------------
// The scenarios

/** A monthly price of `amount` cents. */
async function monthly(t: Trace, amount = 1000): Promise<Stripe.Price> {
  return t.step("a monthly price", () => t.stripe.prices.create({ currency: "usd", unit_amount: amount, recurring: { interval: "month" }, product_data: { name: "Pro" } }));
}

/** A customer paying with `card` by default. */
async function payingCustomer(t: Trace, card = "pm_card_visa"): Promise<Stripe.Customer> {
  return t.step(`a customer paying with ${card}`, () =>
    t.stripe.customers.create({ email: "golden@example.com", payment_method: card, invoice_settings: { default_payment_method: card } }),
  );
}

describe("golden trace", { timeout: 180_000 }, () => {
  scenario("customer with a card source, a payment method and a subscription, then deleted", async (t) => {
    const { stripe } = t;
    const price = await monthly(t);
    const customer = await t.step("create a customer with a card source", () => stripe.customers.create({ email: "ada@example.com", name: "Ada", source: "tok_visa", metadata: { tier: "gold" } }));
    await t.step("attach a PaymentMethod", () => stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id }));
    const pms = await t.step("list the customer's PaymentMethods", () => stripe.customers.listPaymentMethods(customer.id));
    await t.step("make it the default for invoices", () => stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pms.data[0]!.id }, description: "golden" }));
    await t.step("subscribe", () => stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }));
    await t.step("retrieve with sources and subscriptions expanded", () => stripe.customers.retrieve(customer.id, { expand: ["sources", "subscriptions", "default_source"] }));
    await t.step("search by metadata", () => stripe.customers.search({ query: "metadata['tier']:'gold'" }));
    await t.step("delete the customer", () => stripe.customers.del(customer.id));
    await t.step("retrieve the deleted customer", () => stripe.customers.retrieve(customer.id));
    await t.refused("update the deleted customer", () => stripe.customers.update(customer.id, { name: "Ghost" }));
  });

  scenario("PaymentIntent: confirmation succeeds", async (t) => {
    const { stripe } = t;
    const pi = await t.step("create", () => stripe.paymentIntents.create({ amount: 2000, currency: "usd", allowed_payment_method_types: ["card"], metadata: { order: "1" } }));
    await t.step("attach a payment method by update", () => stripe.paymentIntents.update(pi.id, { payment_method: "pm_card_visa", description: "order 1" }));
    const done = await t.step("confirm", () => stripe.paymentIntents.confirm(pi.id));
    await t.step("retrieve its charge", () => stripe.charges.retrieve(done.latest_charge as string));
    await t.refused("confirm again", () => stripe.paymentIntents.confirm(pi.id));
    await t.step("list with the charge expanded", () => stripe.paymentIntents.list({ limit: 10, expand: ["data.latest_charge"] }));
  });

  scenario("PaymentIntent: a decline", async (t) => {
    const { stripe } = t;
    const err = await t.refused("create and confirm with a card that has insufficient funds", () =>
      stripe.paymentIntents.create({ amount: 1500, currency: "usd", payment_method: "pm_card_chargeDeclinedInsufficientFunds", confirm: true, allowed_payment_method_types: ["card"] }),
    );
    const pi = (err.raw as { payment_intent?: { id: string } }).payment_intent!;
    await t.step("retrieve it", () => stripe.paymentIntents.retrieve(pi.id));
    await t.step("confirm again with a good card", () => stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" }));
    await t.step("list its charges", () => stripe.charges.list({ payment_intent: pi.id }));
  });

  scenario("PaymentIntent: 3-D Secure, completed and failed", async (t) => {
    const { stripe } = t;
    const customer = await t.step("a customer", () => stripe.customers.create({ email: "three@example.com" }));
    const pi = await t.step("confirm with a card that needs a challenge", () =>
      stripe.paymentIntents.create({ amount: 3000, currency: "eur", customer: customer.id, payment_method: "pm_card_threeDSecure2Required", confirm: true, return_url: "https://example.com/back", allowed_payment_method_types: ["card"] }),
    );
    await t.raw("the customer completes the challenge", "POST", `/_test/payment_intents/${pi.id}/authenticate`, { outcome: "succeed" });
    await t.step("retrieve it", () => stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] }));
    const other = await t.step("another one, challenged", () =>
      stripe.paymentIntents.create({ amount: 3100, currency: "eur", payment_method: "pm_card_threeDSecureRequired", confirm: true, allowed_payment_method_types: ["card"] }),
    );
    await t.raw("the customer fails the challenge", "POST", `/_test/payment_intents/${other.id}/authenticate`, { outcome: "fail" });
    await t.step("retrieve the failed one", () => stripe.paymentIntents.retrieve(other.id));
  });

  scenario("PaymentIntent: manual capture, partial", async (t) => {
    const { stripe } = t;
    const pi = await t.step("authorise only", () =>
      stripe.paymentIntents.create({ amount: 5000, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual", allowed_payment_method_types: ["card"] }),
    );
    await t.refused("capture more than authorised", () => stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 }));
    const captured = await t.step("capture part", () => stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3200 }));
    await t.step("the charge", () => stripe.charges.retrieve(captured.latest_charge as string));
    await t.refused("cancel once captured", () => stripe.paymentIntents.cancel(pi.id));
  });

  scenario("PaymentIntent: cancel", async (t) => {
    const { stripe } = t;
    const pi = await t.step("create", () => stripe.paymentIntents.create({ amount: 700, currency: "gbp", allowed_payment_method_types: ["card"] }));
    await t.step("cancel", () => stripe.paymentIntents.cancel(pi.id, { cancellation_reason: "requested_by_customer" }));
    await t.refused("confirm a canceled one", () => stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" }));
    const held = await t.step("authorise another", () =>
      stripe.paymentIntents.create({ amount: 800, currency: "gbp", payment_method: "pm_card_visa", confirm: true, capture_method: "manual", allowed_payment_method_types: ["card"] }),
    );
    await t.step("cancel it: the authorisation is released", () => stripe.paymentIntents.cancel(held.id));
    await t.step("its charge", () => stripe.charges.retrieve(held.latest_charge as string));
  });

  scenario("SetupIntent: saved card, and one that needs authentication", async (t) => {
    const { stripe } = t;
    const customer = await t.step("a customer", () => stripe.customers.create({ email: "setup@example.com" }));
    const si = await t.step("create", () => stripe.setupIntents.create({ customer: customer.id, allowed_payment_method_types: ["card"], usage: "off_session" }));
    await t.step("confirm with a card", () => stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" }));
    const auth = await t.step("another, confirmed with a card that needs a challenge", () =>
      stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_authenticationRequiredOnSetup", confirm: true, allowed_payment_method_types: ["card"], return_url: "https://example.com/back" }),
    );
    await t.raw("the customer completes the challenge", "POST", `/_test/setup_intents/${auth.id}/authenticate`, { outcome: "succeed" });
    await t.step("the customer's PaymentMethods", () => stripe.customers.listPaymentMethods(customer.id));
    await t.step("list SetupIntents", () => stripe.setupIntents.list({ customer: customer.id }));
  });

  scenario("legacy charge, refunded in two parts", async (t) => {
    const { stripe } = t;
    const charge = await t.step("charge a token", () => stripe.charges.create({ amount: 4000, currency: "usd", source: "tok_visa", description: "legacy" }));
    await t.step("refund part", () => stripe.refunds.create({ charge: charge.id, amount: 1500, reason: "requested_by_customer" }));
    await t.refused("refund more than is left", () => stripe.refunds.create({ charge: charge.id, amount: 3000 }));
    await t.step("refund the rest", () => stripe.refunds.create({ charge: charge.id }));
    await t.step("the charge, refunded", () => stripe.charges.retrieve(charge.id));
    await t.step("its refunds", () => stripe.refunds.list({ charge: charge.id }));
    await t.refused("a declined token", () => stripe.charges.create({ amount: 4000, currency: "usd", source: "tok_chargeDeclined" }));
  });

  scenario("subscription creation under each payment_behavior", async (t) => {
    const { stripe } = t;
    const price = await monthly(t, 1200);
    const good = await payingCustomer(t);
    await t.step("allow_incomplete, paid", () => stripe.subscriptions.create({ customer: good.id, items: [{ price: price.id }], expand: ["latest_invoice"] }));
    const pending = await t.step("default_incomplete", () =>
      stripe.subscriptions.create({ customer: good.id, items: [{ price: price.id }], payment_behavior: "default_incomplete", expand: ["latest_invoice.confirmation_secret"] }),
    );
    const invoice = await t.step("its invoice", () => stripe.invoices.retrieve((pending.latest_invoice as Stripe.Invoice).id));
    const secret = (pending.latest_invoice as Stripe.Invoice).confirmation_secret?.client_secret ?? "";
    assert.ok(invoice.status === "open" && secret.includes("_secret_"), "a default_incomplete subscription's invoice waits for the customer");
    await t.step("the customer confirms its PaymentIntent", () => stripe.paymentIntents.confirm(secret.split("_secret_")[0]!, { payment_method: "pm_card_visa" }));
    await t.step("the subscription, now", () => stripe.subscriptions.retrieve(pending.id));
    const bad = await payingCustomer(t, "pm_card_chargeCustomerFail");
    await t.step("allow_incomplete, declined", () => stripe.subscriptions.create({ customer: bad.id, items: [{ price: price.id }] }));
    await t.refused("error_if_incomplete, declined", () => stripe.subscriptions.create({ customer: bad.id, items: [{ price: price.id }], payment_behavior: "error_if_incomplete" }));
    await t.step("the declined customer's subscriptions", () => stripe.subscriptions.list({ customer: bad.id, status: "all" }));
    await t.step("send_invoice collection", () => stripe.subscriptions.create({ customer: bad.id, items: [{ price: price.id }], collection_method: "send_invoice", days_until_due: 14 }));
  });

  scenario("a failed renewal and its retries", async (t) => {
    const { stripe, s } = t;
    const price = await monthly(t);
    const customer = await payingCustomer(t);
    const sub = await t.step("subscribe", () => stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }));
    await t.act("the next payment will fail (chaos: simulate insufficient_funds)", () => s.pt.chaos.simulateFailure(customer.id, "insufficient_funds", { times: 2 }));
    await t.act("server time reaches the renewal", () => s.pt.time.advanceTo(START + 31 * DAY_MS));
    await t.step("the subscription", () => stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] }));
    await t.act("server time reaches the first retry", () => s.pt.time.advance({ days: 3 }));
    await t.act("server time reaches the second retry", () => s.pt.time.advance({ days: 5 }));
    await t.step("the subscription, recovered", () => stripe.subscriptions.retrieve(sub.id));
    await t.step("its invoices", () => stripe.invoices.list({ subscription: sub.id }));
  }, { billing: { retryDays: [3, 5, 7] } });

  scenario("subscription updates with prorations, a preview, and cancel with prorate and invoice_now", async (t) => {
    const { stripe, s } = t;
    const basic = await monthly(t, 1000);
    const premium = await monthly(t, 3000);
    const customer = await payingCustomer(t);
    const sub = await t.step("subscribe to basic", () => stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] }));
    await t.act("ten days pass", () => s.pt.time.advance({ days: 10 }));
    await t.step("preview the next invoice", () => stripe.invoices.createPreview({ subscription: sub.id }));
    const switched = await t.step("switch to premium, prorations pending", () =>
      stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: premium.id }], proration_behavior: "create_prorations" }),
    );
    await t.step("the pending invoice items", () => stripe.invoiceItems.list({ customer: customer.id, pending: true }));
    await t.act("five days pass", () => s.pt.time.advance({ days: 5 }));
    await t.step("quantity 2, invoiced at once", () => stripe.subscriptions.update(sub.id, { items: [{ id: switched.items.data[0]!.id, quantity: 2 }], proration_behavior: "always_invoice" }));
    await t.step("metadata only", () => stripe.subscriptions.update(sub.id, { metadata: { note: "vip" }, cancel_at_period_end: true }));
    await t.step("cancel now, prorated and invoiced", () => stripe.subscriptions.cancel(sub.id, { prorate: true, invoice_now: true }));
    await t.step("the customer's invoices", () => stripe.invoices.list({ customer: customer.id }));
    await t.call("update a canceled subscription", () => stripe.subscriptions.update(sub.id, { metadata: { note: "late" } }));
  });

  scenario("manual invoices: finalize, pay, void, mark uncollectible", async (t) => {
    const { stripe } = t;
    const customer = await payingCustomer(t);
    await t.step("an invoice item", () => stripe.invoiceItems.create({ customer: customer.id, amount: 2500, currency: "usd", description: "Consulting" }));
    const inv = await t.step("a draft invoice with the pending item", () => stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include", auto_advance: false }));
    await t.step("its lines", () => stripe.invoices.listLineItems(inv.id));
    await t.step("finalize", () => stripe.invoices.finalizeInvoice(inv.id));
    await t.step("pay", () => stripe.invoices.pay(inv.id));
    await t.refused("void a paid invoice", () => stripe.invoices.voidInvoice(inv.id));
    await t.step("another item", () => stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: "usd" }));
    const second = await t.step("a send_invoice invoice", () =>
      stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", days_until_due: 30, pending_invoice_items_behavior: "include" }),
    );
    await t.step("finalize it", () => stripe.invoices.finalizeInvoice(second.id));
    await t.step("send it", () => stripe.invoices.sendInvoice(second.id));
    await t.step("void it", () => stripe.invoices.voidInvoice(second.id));
    await t.step("a third item", () => stripe.invoiceItems.create({ customer: customer.id, amount: 400, currency: "usd" }));
    const third = await t.step("a third invoice", () => stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", days_until_due: 7, pending_invoice_items_behavior: "include" }));
    await t.step("finalize the third", () => stripe.invoices.finalizeInvoice(third.id));
    await t.step("mark it uncollectible", () => stripe.invoices.markUncollectible(third.id));
    const draft = await t.step("an empty draft", () => stripe.invoices.create({ customer: customer.id }));
    await t.step("delete the draft", () => stripe.invoices.del(draft.id));
  });

  scenario("test clock: a subscription renewed by advancing the clock", async (t) => {
    const { stripe } = t;
    const frozen = Math.floor(START / 1000) - 7 * 86_400;
    const clock = await t.step("a test clock a week behind", () => stripe.testHelpers.testClocks.create({ frozen_time: frozen, name: "golden" }));
    const price = await monthly(t, 1500);
    const customer = await t.step("a customer on the clock", () =>
      stripe.customers.create({ email: "clock@example.com", test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } }),
    );
    const sub = await t.step("subscribe with a 3-day trial", () => stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 3 }));
    await t.step("advance past the trial", () => stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 4 * 86_400 }));
    await t.step("advance a month", () => stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen + 35 * 86_400 }));
    await t.step("the clock", () => stripe.testHelpers.testClocks.retrieve(clock.id));
    await t.step("the subscription", () => stripe.subscriptions.retrieve(sub.id));
    await t.step("its invoices", () => stripe.invoices.list({ subscription: sub.id }));
    await t.refused("advance backwards", () => stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozen }));
    await t.step("delete the clock", () => stripe.testHelpers.testClocks.del(clock.id));
    await t.step("the customer went with it", () => stripe.customers.retrieve(customer.id));
  });

  scenario("catalog: products, prices, lists and cursors", async (t) => {
    const { stripe } = t;
    const product = await t.step("a product with a default price", () =>
      stripe.products.create({ name: "Widget", description: "A widget", default_price_data: { currency: "usd", unit_amount: 500 }, metadata: { kind: "thing" } }),
    );
    const yearly = await t.step("a yearly price", () => stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 5000, recurring: { interval: "year" }, lookup_key: "widget-yearly" }));
    await t.step("update the product", () => stripe.products.update(product.id, { default_price: yearly.id, name: "Widget Pro" }));
    await t.step("deactivate the first price", () => stripe.prices.update(product.default_price as string, { active: false }));
    for (let i = 0; i < 3; i++) await t.step(`another product ${i}`, () => stripe.products.create({ name: `Gadget ${i}` }));
    const page = await t.step("first page of two", () => stripe.products.list({ limit: 2 }));
    await t.step("the next page", () => stripe.products.list({ limit: 2, starting_after: page.data[1]!.id }));
    await t.step("active prices of the product", () => stripe.prices.list({ product: product.id, active: true }));
    await t.step("by lookup key", () => stripe.prices.list({ lookup_keys: ["widget-yearly"], expand: ["data.product"] }));
    await t.step("search products", () => stripe.products.search({ query: "metadata['kind']:'thing'" }));
    await t.refused("delete a product with prices", () => stripe.products.del(product.id));
  });

  scenario("refusals: bad input changes nothing", async (t) => {
    const { stripe } = t;
    const customer = await t.step("one customer", () => stripe.customers.create({ email: "only@example.com" }));
    await t.refused("an unknown parameter", () => stripe.customers.create({ emial: "x@example.com" } as Stripe.CustomerCreateParams));
    await t.refused("a missing required parameter", () => stripe.paymentIntents.create({ currency: "usd" } as Stripe.PaymentIntentCreateParams));
    await t.refused("an invalid integer", () => stripe.paymentIntents.create({ amount: -5, currency: "usd" }));
    await t.refused("an unknown currency", () => stripe.paymentIntents.create({ amount: 500, currency: "zzz" }));
    await t.refused("a missing object", () => stripe.customers.retrieve("cus_doesnotexist1"));
    await t.refused("a bad expand path", () => stripe.customers.retrieve(customer.id, { expand: ["nothing"] }));
    await t.call("a bad expand path inside a list", () => stripe.customers.list({ expand: ["data.nothing"] }));
    await t.refused("a bad enum", () => stripe.subscriptions.list({ status: "sleeping" as Stripe.SubscriptionListParams.Status }));
    await t.refused("an unknown cursor", () => stripe.customers.list({ starting_after: "cus_doesnotexist1" }));
    await t.refused("an update with a bad value", () => stripe.customers.update(customer.id, { email: "x".repeat(600) }));
    await t.step("nothing else was created or changed", () => stripe.customers.list());
  });

  scenario("webhook endpoints and events", async (t) => {
    const { stripe } = t;
    const we = await t.step("register an endpoint", () => stripe.webhookEndpoints.create({ url: "http://127.0.0.1:9/hooks", enabled_events: ["customer.created", "invoice.paid"] }));
    await t.step("update it", () => stripe.webhookEndpoints.update(we.id, { disabled: true, description: "golden" }));
    await t.step("a customer", () => stripe.customers.create({ email: "hooks@example.com" }));
    const events = await t.step("events of one type", () => stripe.events.list({ type: "customer.*" }));
    await t.step("retrieve an event", () => stripe.events.retrieve(events.data[0]!.id));
    await t.step("delete the endpoint", () => stripe.webhookEndpoints.del(we.id));
  });
});
