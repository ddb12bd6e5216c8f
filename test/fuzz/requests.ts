/**
 * Request generators for the fuzz run, with fast-check. Every registered
 * route (API endpoints and control routes) is drawn, with its own parameter
 * names, plausible and hostile values (ids of objects the run created,
 * prototype names, huge numbers, unicode, deep nesting), valid bodies for
 * the main creates (so the run reaches deep states) and mutations of them,
 * form and JSON encodings (malformed ones too), headers, and transport-level
 * damage only a raw socket can send.
 *
 * Values never contain ':' outside a fixed list of loopback URLs, so no
 * webhook endpoint the run creates can point anywhere but 127.0.0.1.
 */
import fc from "fast-check";
import type { Runtime } from "../../src/server/runtime.js";

/** A reference to an object the run created in the request's namespace, resolved when the request is sent. */
export interface Ref {
  readonly $ref: string;
  readonly pick: number;
}

/** The object of a kind created last in the request's namespace: what a chain's earlier step made. */
export interface Latest {
  readonly $latest: string;
}

/** A generated value: JSON-like, with references to created objects. */
export type Value = string | number | boolean | null | Ref | Latest | readonly Value[] | { readonly [k: string]: Value };

/** Transport damage a well-behaved client never sends. */
export type Damage =
  | { kind: "none" }
  | { kind: "raw_path"; bytes: string }
  | { kind: "bad_chunked"; body: string }
  | { kind: "chunked" }
  | { kind: "short_length" }
  | { kind: "long_length" }
  | { kind: "huge_header" }
  | { kind: "http10" }
  | { kind: "bad_header"; bytes: string }
  | { kind: "garbage"; bytes: string };

/** One generated request, before references are resolved. */
export interface FuzzRequest {
  readonly method: string;
  /** Path template: `:name` segments are filled with ids or hostile strings. */
  readonly route: string;
  readonly pathParams: Readonly<Record<string, Value>>;
  /** Extra path damage: a trailing slash, upper case, a raw suffix. */
  readonly pathTwist: "none" | "slash" | "upper" | "double_slash" | "suffix";
  readonly params: Value;
  readonly encoding: "form" | "form_brackets_raw" | "json" | "query" | "form_malformed" | "json_malformed" | "other";
  readonly malformed: string;
  readonly contentType: string | null;
  /** `undefined`: the worker's namespace; `null`: no header; a string: that header value. */
  readonly namespace: string | null | undefined;
  readonly auth: string | null;
  readonly idempotencyKey: string | null;
  readonly stripeVersion: string | null;
  readonly extraHeaders: ReadonlyArray<readonly [string, string]>;
  readonly damage: Damage;
  /** Well-formed requests sent first, in order, in the same namespace: the state this one needs (a chain). */
  readonly before?: readonly FuzzRequest[];
}

/** Names every JavaScript object answers to. */
export const PROTOTYPE_NAMES = ["__proto__", "constructor", "hasOwnProperty", "valueOf", "toString", "toLocaleString", "isPrototypeOf", "propertyIsEnumerable", "__defineGetter__", "prototype"];

/** Stands for the port of the run's own webhook receiver, filled in when a request is sent. */
export const RECEIVER_PORT = "{receiver}";
/**
 * Loopback URLs, the only strings with ':' the run ever sends: the run's
 * receiver (answering 200, or 500 under /fail), and port 9 (refused).
 */
export const LOOPBACK_URLS = [`http://127.0.0.1:${RECEIVER_PORT}/ok`, `http://127.0.0.1:${RECEIVER_PORT}/ok?y=1`, `http://127.0.0.1:${RECEIVER_PORT}/fail`, "http://127.0.0.1:9/hook", "https://127.0.0.1:9/"];

/** Id prefixes by path parameter name, for routes whose id is not the endpoint's own resource. */
const PARAM_PREFIX: Readonly<Record<string, string>> = { customer: "cus", charge: "ch", invoice: "in", subscription: "sub" };

const WORDS = [
  "usd", "eur", "jpy", "gbp", "USD", "xxx", "day", "week", "month", "year", "card", "us_bank_account", "manual", "automatic", "automatic_async",
  "charge_automatically", "send_invoice", "default_incomplete", "allow_incomplete", "error_if_incomplete", "pending_if_incomplete", "create_prorations",
  "none", "always_invoice", "succeed", "fail", "now", "true", "false", "on", "1", "0", "-1", "*", "customer.created", "invoice.*", "invoice.paid",
  "pm_card_visa", "pm_card_mastercard", "pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds", "pm_card_authenticationRequired",
  "pm_card_threeDSecure2Required", "pm_card_refundFail", "pm_card_bypassPending", "tok_visa", "tok_chargeDeclined", "tok_chargeDeclinedExpiredCard",
  "tok_threeDSecure2Required", "4242424242424242", "4000000000000002", "4000002500003155", "4000000000009995", "1234567812345678", "ada@example.com",
  "insufficient_funds", "card_declined", "expired_card", "processing_error", "exclude_tax", "requires_payment_method", "canceled", "active", "past_due",
  "trialing", "unpaid", "paid", "open", "draft", "void", "uncollectible", "subscription_create", "off_session", "on_session", "recurring", "one_time",
  "per_unit", "tiered", "graduated", "volume", "licensed", "metered", "duplicate", "fraudulent", "requested_by_customer", "exempt", "reverse",
  "payment", "api", "event", "effective", "namespace", "1e309", "9007199254740993", "1.5", "NaN", "Infinity", "0x10", " 42 ", "-0", "", " ",
  "2026-10-28.endive", "total_count", "data", "data.customer", "customer", "latest_invoice", "latest_charge", "payment_method", "default_price",
  "product", "subscriptions", "sources", "invoice_settings.default_payment_method", "test_clock", "default_source", "subscriptions.data.latest_invoice",
  "data.latest_invoice.customer", "a.b.c.d.e", "nope", "data.nope", "customer.nope", "..", ".", "data.", "\u0000", "\u202e", "😀", "\ud800",
];

const SEARCH_FIELDS = ["email", "name", "created", "status", "amount", "currency", "active", "customer", "metadata['plan']", "metadata[\"k\"]", "metadata['constructor']", ...PROTOTYPE_NAMES];
const SEARCH_OPS = [":", "~", ">", "<", ">=", "<=", "", "::"];

/** Strings, with ':' replaced unless it is one of the loopback URLs. */
const noColon = (s: string) => s.replace(/:/g, "_");

function stringArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...WORDS) },
    { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom(...LOOPBACK_URLS) },
    { weight: 3, arbitrary: fc.string({ maxLength: 20 }).map(noColon) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }).map(noColon) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(noColon) },
    { weight: 1, arbitrary: fc.constantFrom(256, 5001, 40_000).map((n) => "x".repeat(n)) },
    { weight: 2, arbitrary: searchQueryArb() },
  );
}

function searchQueryArb(): fc.Arbitrary<string> {
  const clause = fc
    .tuple(fc.boolean(), fc.constantFrom(...SEARCH_FIELDS), fc.constantFrom(...SEARCH_OPS), fc.oneof(fc.constantFrom("'pro'", "'ada@example.com'", "1700000000", "null", "'ab'", "\"x\"", "'unterminated", "bare", "1e999"), fc.string({ maxLength: 8 }).map((s) => `'${noColon(s)}'`)))
    // The only strings with ':' besides the loopback URLs: no search field is a URL scheme.
    .map(([neg, f, op, v]) => `${neg ? "-" : ""}${f}${op}${v}`);
  return fc
    .tuple(fc.array(clause, { minLength: 0, maxLength: 12 }), fc.constantFrom(" ", " AND ", " OR ", " and ", "  OR AND "))
    .map(([cs, j]) => cs.join(j));
}

function numberArb(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: -2, max: 5000 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 50, 100, 101, 2000, 99_999_999, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, 1.5, -0.5, 253_402_300_800, 1_800_000_000) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
  );
}

/** Object keys: the route's own parameter names most of the time. */
function keyArb(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: names.length > 0 ? 8 : 0, arbitrary: fc.constantFrom(...(names.length ? names : ["x"])) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, "metadata", "expand", "0", "1", "", "a[b", "a]b", "plan", "k".repeat(41), "id", "object", "deleted") },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(noColon) },
  );
}

function valueArb(names: readonly string[], prefixes: readonly string[]): fc.Arbitrary<Value> {
  const ref: fc.Arbitrary<Value> = fc.record({ $ref: fc.constantFrom(...prefixes), pick: fc.nat() });
  const { value } = fc.letrec<{ value: Value }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 8, arbitrary: stringArb() },
      { weight: 4, arbitrary: ref },
      { weight: 3, arbitrary: numberArb() },
      { weight: 2, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
      { weight: 3, arbitrary: fc.dictionary(keyArb(names), tie("value"), { maxKeys: 4, noNullPrototype: true }) },
    ),
  }));
  return value;
}

/** Deep nesting beyond the parser's limit. */
const deepArb: fc.Arbitrary<Value> = fc.integer({ min: 6, max: 40 }).map((depth) => {
  let v: Value = "leaf";
  for (let i = 0; i < depth; i++) v = { metadata: v } as Value;
  return v;
});

const ref = (prefix: string): fc.Arbitrary<Ref> => fc.nat().map((pick) => ({ $ref: prefix, pick }));
const amount = fc.oneof(fc.constantFrom(50, 100, 2000, 9999), fc.integer({ min: 1, max: 1_000_000 }));
const shortcut = fc.constantFrom("pm_card_visa", "pm_card_mastercard", "pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds", "pm_card_authenticationRequired", "pm_card_refundFail", "pm_card_visa_debit");
const interval = fc.constantFrom("day", "week", "month", "year");
const timestamp = fc.oneof(fc.integer({ min: 1_790_000_000, max: 1_900_000_000 }), fc.constantFrom(0, 253_402_300_799, 253_402_300_800, 9_999_999_999_999));

/** Valid bodies for the creates and actions that lead to deep states. */
const RECIPES: Readonly<Record<string, fc.Arbitrary<Value>>> = {
  "POST /v1/customers": fc.oneof(
    fc.record({ email: fc.constantFrom("ada@example.com", "bob@example.com"), name: fc.constantFrom("Ada", "Bob"), metadata: fc.constantFrom({ plan: "pro" }, { plan: "free", constructor: "x" }) }, { requiredKeys: ["email"] }),
    fc.record({ email: fc.constant("pay@example.com"), payment_method: fc.constantFrom("pm_card_visa", "pm_card_chargeDeclined", "pm_card_mastercard"), invoice_settings: fc.constant({ default_payment_method: "pm_card_visa" }) }),
    fc.record({ source: fc.constantFrom("tok_visa", "tok_mastercard") }),
    fc.record({ test_clock: ref("clock"), payment_method: fc.constant("pm_card_visa"), invoice_settings: fc.constant({ default_payment_method: "pm_card_visa" }) }),
  ),
  "POST /v1/products": fc.record({ name: fc.constant("Pro"), default_price_data: fc.record({ currency: fc.constant("usd"), unit_amount: amount, recurring: fc.record({ interval }) }, { requiredKeys: ["currency", "unit_amount"] }) }, { requiredKeys: ["name"] }),
  "POST /v1/prices": fc.record(
    { currency: fc.constantFrom("usd", "eur", "jpy"), unit_amount: amount, product: ref("prod"), recurring: fc.record({ interval, interval_count: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ["interval"] }), lookup_key: fc.constantFrom("basic", "pro") },
    { requiredKeys: ["currency", "unit_amount", "product"] },
  ),
  "POST /v1/payment_intents": fc.record(
    { amount, currency: fc.constant("usd"), payment_method: shortcut, confirm: fc.boolean(), customer: ref("cus"), capture_method: fc.constantFrom("automatic", "manual"), allowed_payment_method_types: fc.constant(["card"]) },
    { requiredKeys: ["amount", "currency"] },
  ),
  "POST /v1/payment_intents/:id/confirm": fc.record({ payment_method: shortcut }, { requiredKeys: [] }),
  "POST /v1/payment_intents/:id/capture": fc.record({ amount_to_capture: amount }, { requiredKeys: [] }),
  "POST /v1/charges": fc.record({ amount, currency: fc.constant("usd"), source: fc.constantFrom("tok_visa", "tok_chargeDeclined", "tok_mastercard"), customer: ref("cus"), capture: fc.boolean() }, { requiredKeys: ["amount", "currency"] }),
  "POST /v1/refunds": fc.oneof(fc.record({ payment_intent: ref("pi"), amount }, { requiredKeys: ["payment_intent"] }), fc.record({ charge: ref("ch") })),
  "POST /v1/setup_intents": fc.record({ payment_method: shortcut, confirm: fc.boolean(), customer: ref("cus") }, { requiredKeys: [] }),
  "POST /v1/subscriptions": fc.record(
    {
      customer: ref("cus"),
      items: fc.array(fc.record({ price: ref("price"), quantity: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ["price"] }), { minLength: 1, maxLength: 2 }),
      trial_period_days: fc.integer({ min: 0, max: 30 }),
      payment_behavior: fc.constantFrom("allow_incomplete", "default_incomplete", "error_if_incomplete"),
      collection_method: fc.constantFrom("charge_automatically", "send_invoice"),
      days_until_due: fc.integer({ min: 1, max: 30 }),
      cancel_at_period_end: fc.boolean(),
    },
    { requiredKeys: ["customer", "items"] },
  ),
  "POST /v1/subscriptions/:id": fc.record({ cancel_at_period_end: fc.boolean(), items: fc.array(fc.record({ price: ref("price") }), { maxLength: 1 }), proration_behavior: fc.constantFrom("create_prorations", "none", "always_invoice"), trial_end: fc.constantFrom("now") }, { requiredKeys: [] }),
  "POST /v1/invoices": fc.record({ customer: ref("cus"), auto_advance: fc.boolean(), collection_method: fc.constantFrom("charge_automatically", "send_invoice"), days_until_due: fc.integer({ min: 1, max: 30 }) }, { requiredKeys: ["customer"] }),
  "POST /v1/invoiceitems": fc.record({ customer: ref("cus"), amount, currency: fc.constant("usd"), invoice: ref("in") }, { requiredKeys: ["customer", "amount", "currency"] }),
  "POST /v1/test_helpers/test_clocks": fc.record({ frozen_time: timestamp, name: fc.constant("fuzz") }, { requiredKeys: ["frozen_time"] }),
  "POST /v1/test_helpers/test_clocks/:id/advance": fc.record({ frozen_time: timestamp }),
  "POST /v1/webhook_endpoints": fc.record({ url: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...LOOPBACK_URLS.slice(0, 2)) }, { weight: 1, arbitrary: fc.constantFrom(...LOOPBACK_URLS.slice(2)) }), enabled_events: fc.constantFrom(["*"], ["customer.created", "invoice.*"]) }),
  "POST /v1/tokens": fc.record({ card: fc.record({ number: fc.constantFrom("4242424242424242", "4000000000000002"), exp_month: fc.integer({ min: 1, max: 12 }), exp_year: fc.integer({ min: 2027, max: 2040 }), cvc: fc.constant("123") }) }),
  "POST /v1/payment_methods": fc.record({ type: fc.constant("card"), card: fc.oneof(fc.record({ token: fc.constantFrom("tok_visa", "tok_chargeDeclined") }), fc.record({ number: fc.constant("4242424242424242"), exp_month: fc.constant(12), exp_year: fc.constant(2034) })) }),
  "POST /v1/sources": fc.oneof(
    fc.record({ type: fc.constant("card"), token: fc.oneof(fc.constantFrom("tok_visa", "tok_mastercard"), ref("tok")) }),
    fc.record({ type: fc.constant("card"), card: fc.record({ number: fc.constantFrom("4242424242424242", "4000000000003063"), exp_month: fc.constant(12), exp_year: fc.constant(2034) }) }),
  ),
  "POST /v1/payment_methods/:id/attach": fc.record({ customer: ref("cus") }),
  "POST /v1/customers/:customer/sources": fc.record({ source: fc.constantFrom("tok_visa", "tok_chargeDeclined") }),
  "POST /_chaos/config": fc.oneof(
    fc.record({ api: fc.record({ error_rate: fc.double({ min: 0, max: 1, noNaN: true }), reset_rate: fc.constantFrom(0, 0.3), lost_response_rate: fc.constantFrom(0, 0.3), latency_rate: fc.constantFrom(0, 1), latency_ms: fc.constantFrom(0, 5) }, { requiredKeys: [] }) }),
    fc.record({ payment: fc.record({ failure_rate: fc.double({ min: 0, max: 1, noNaN: true }), decline_codes: fc.constantFrom(["insufficient_funds"], ["card_declined", "expired_card"]) }, { requiredKeys: [] }) }),
    fc.record({ api: fc.record({ endpoint_overrides: fc.dictionary(fc.constantFrom("POST /v1/customers", "/v1/payment_intents*", "GET /v1/customers/*"), fc.constantFrom<Value>("server_error", "rate_limit", "connection_reset", "lost_response", { custom_response: { status: 200, body: { ok: true } } }, { custom_response: { status: 503, body: "nope" } }, { latency_ms: 3 }, ["server_error", "ok"])) }) }),
    fc.record({ events: fc.record({ buffer_window_ms: fc.constantFrom(0, 10), duplicate_rate: fc.constantFrom(0, 1), out_of_order: fc.boolean() }, { requiredKeys: [] }) }),
  ),
  "POST /_chaos/customers/:id/failure": fc.record({ decline_code: fc.constantFrom("insufficient_funds", "card_declined", "expired_card"), times: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ["decline_code"] }),
  "POST /_time/advance": fc.oneof(fc.record({ days: fc.integer({ min: 0, max: 40 }) }), fc.record({ seconds: fc.integer({ min: 0, max: 100_000 }) }), fc.record({ days: fc.constantFrom(36_526, 100_000_000) }), fc.record({ to: timestamp })),
  "POST /_test/payment_intents/:id/authenticate": fc.record({ outcome: fc.constantFrom("succeed", "fail", "maybe") }, { requiredKeys: [] }),
  "POST /_test/setup_intents/:id/authenticate": fc.record({ outcome: fc.constantFrom("succeed", "fail") }, { requiredKeys: [] }),
};

/** Queries every search endpoint takes. */
const SEARCH_RECIPE: fc.Arbitrary<Value> = fc.record(
  {
    query: fc.constantFrom("metadata['plan']:'pro'", "created>0", "-metadata['plan']:null", "metadata['plan']:'pro' OR metadata['plan']:'free'", "metadata['constructor']:'x'"),
    limit: fc.integer({ min: 1, max: 100 }),
    expand: fc.constant(["total_count"]),
  },
  { requiredKeys: ["query"] },
);

/** Mutations of a valid body: a value replaced, a key dropped, a hostile key or an expand added. */
function mutate(base: fc.Arbitrary<Value>, value: fc.Arbitrary<Value>, names: readonly string[]): fc.Arbitrary<Value> {
  return fc.tuple(base, fc.array(fc.tuple(fc.constantFrom("replace", "drop", "add", "expand"), keyArb(names), value, fc.constantFrom(...WORDS.slice(-40))), { maxLength: 2 })).map(([b, muts]) => {
    if (typeof b !== "object" || b === null || Array.isArray(b) || "$ref" in b) return b;
    const out: Record<string, Value> = { ...(b as Record<string, Value>) };
    for (const [op, key, v, path] of muts) {
      const keys = Object.keys(out);
      if (op === "replace" && keys.length) out[keys[key.length % keys.length]!] = v;
      else if (op === "drop" && keys.length) delete out[keys[key.length % keys.length]!];
      else if (op === "add") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else if (op === "expand") out.expand = [path];
    }
    return out;
  });
}

/** Transport-level damage, rarely. */
function damageArb(): fc.Arbitrary<Damage> {
  return fc.oneof(
    { weight: 80, arbitrary: fc.constant<Damage>({ kind: "none" }) },
    { weight: 3, arbitrary: fc.constantFrom("caf\xe9", "\xff\xfe", "a b", "\x7f", "%ff", "%", "\t").map((bytes): Damage => ({ kind: "raw_path", bytes })) },
    { weight: 3, arbitrary: fc.constantFrom("zz\r\nabc\r\n0\r\n\r\n", "5\r\nab\r\n0\r\n\r\n", "-1\r\n\r\n", "ffffffffffffffffff\r\n", "3;ext=\x01\r\nabc\r\n0\r\n\r\n").map((body): Damage => ({ kind: "bad_chunked", body })) },
    { weight: 3, arbitrary: fc.constant<Damage>({ kind: "chunked" }) },
    { weight: 2, arbitrary: fc.constant<Damage>({ kind: "short_length" }) },
    { weight: 1, arbitrary: fc.constant<Damage>({ kind: "long_length" }) },
    { weight: 1, arbitrary: fc.constant<Damage>({ kind: "huge_header" }) },
    { weight: 2, arbitrary: fc.constant<Damage>({ kind: "http10" }) },
    { weight: 2, arbitrary: fc.constantFrom("x-a\x01: 1", "x-b: \x00", "no colon", ": empty", "x-c: caf\xe9", "Content-Length: 1\r\nContent-Length: 2", "Transfer-Encoding: gzip").map((bytes): Damage => ({ kind: "bad_header", bytes })) },
    { weight: 1, arbitrary: fc.constantFrom("\x16\x03\x01\x02\x00\x01", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET\r\n\r\n", "\r\n\r\n\r\n", "G E T / HTTP/1.1\r\n\r\n").map((bytes): Damage => ({ kind: "garbage", bytes })) },
  );
}

/** A route to draw: its method, path template, parameter names and id prefixes of its path parameters. */
interface RouteSpec {
  readonly method: string;
  readonly path: string;
  readonly names: readonly string[];
  readonly prefixes: Readonly<Record<string, string>>;
}

/** Every route of a running server, API endpoints and control routes. */
export function routesOf(rt: Runtime): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const ep of rt.registry.endpoints) {
    const prefixes: Record<string, string> = {};
    // The collection the `:id` follows names its prefix (some endpoints, such as deletes, declare no resource).
    const collection = /^(.*)\/:id(\/[a-z_]+)?$/.exec(ep.path)?.[1];
    const own = (collection && prefixOfCollection(collection)) || ep.resource?.idPrefix || "x";
    for (const m of ep.path.matchAll(/:(\w+)/g)) prefixes[m[1]!] = m[1] === "id" ? own : (PARAM_PREFIX[m[1]!] ?? "x");
    routes.push({ method: ep.method, path: ep.path, names: [...Object.keys(ep.params), "expand", "limit", "starting_after"], prefixes });
  }
  for (const r of rt.controlRoutes) {
    const prefix = r.path.includes("checkout/sessions") ? "cs_test" : r.path.includes("payment_intents") ? "pi" : r.path.includes("setup_intents") ? "seti" : r.path.includes("events") ? "evt" : "cus";
    routes.push({ method: r.method, path: r.path, names: ["outcome", "payment_method", "card_number", "three_d_secure", "promotion_code", "shipping_rate", "days", "seconds", "ms", "to", "decline_code", "times", "layer", "limit", "domain", "event", "endpoint", "api", "payment", "events", "seed", "timeout"], prefixes: r.path.includes(":id") ? { id: prefix } : {} });
  }
  routes.push({ method: "GET", path: "/v1/nope/:id", names: [], prefixes: { id: "x" } }, { method: "POST", path: "/", names: [], prefixes: {} }, { method: "GET", path: "/_nope", names: [], prefixes: {} });
  return routes;
}

const ALL_PREFIXES = ["cus", "prod", "price", "pi", "pm", "ch", "re", "seti", "sub", "si", "in", "ii", "clock", "we", "evt", "tok", "card"];

/** The generator of requests for these routes. */
export function requestArb(routes: readonly RouteSpec[]): fc.Arbitrary<FuzzRequest> {
  const allNames = [...new Set(routes.flatMap((r) => r.names))];
  const byRoute = routes.map((route) => {
    const value = valueArb(route.names.length ? route.names : allNames, ALL_PREFIXES);
    const params = fc
      .tuple(fc.shuffledSubarray(route.names as string[], { maxLength: Math.min(5, route.names.length) }), fc.array(fc.tuple(keyArb(allNames), value), { maxLength: 2 }), fc.array(value, { minLength: 5, maxLength: 5 }))
      .map(([keys, extra, vals]) => {
        const out: Record<string, Value> = {};
        keys.forEach((k, i) => (out[k] = vals[i]!));
        for (const [k, v] of extra) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        return out as Value;
      });
    const recipe = RECIPES[`${route.method} ${route.path}`] ?? (route.path.endsWith("/search") ? SEARCH_RECIPE : undefined);
    const body = recipe
      ? fc.oneof({ weight: 4, arbitrary: recipe }, { weight: 4, arbitrary: mutate(recipe, value, route.names) }, { weight: 3, arbitrary: params }, { weight: 1, arbitrary: deepArb })
      : fc.oneof({ weight: 6, arbitrary: params }, { weight: 1, arbitrary: deepArb }, { weight: 1, arbitrary: value });
    const pathParams = fc.record(
      Object.fromEntries(
        Object.entries(route.prefixes).map(([name, prefix]) => [
          name,
          fc.oneof(
            { weight: 8, arbitrary: ref(prefix) as fc.Arbitrary<Value> },
            { weight: 2, arbitrary: fc.string({ maxLength: 14, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }).map((s) => `${prefix}_${s}`) },
            { weight: 2, arbitrary: stringArb() as fc.Arbitrary<Value> },
            { weight: 1, arbitrary: fc.constantFrom<Value>("x".repeat(600), "x".repeat(9000), "%2F", "a/b", "..", "%2e%2e", "") },
          ),
        ]),
      ),
    );
    const clean = fc.record<FuzzRequest>({
      method: fc.constant(route.method),
      route: fc.constant(route.path),
      pathParams: fc.record(Object.fromEntries(Object.entries(route.prefixes).map(([name, prefix]) => [name, ref(prefix) as fc.Arbitrary<Value>]))),
      pathTwist: fc.constant("none" as const),
      params: recipe ? fc.oneof({ weight: 3, arbitrary: recipe }, { weight: 1, arbitrary: mutate(recipe, value, route.names) }) : fc.constant({}),
      encoding: fc.constantFrom("form" as const, "json" as const),
      malformed: fc.constant(""),
      contentType: fc.constant(null),
      namespace: fc.constant(undefined),
      auth: fc.constant("Bearer sk_test_fuzz"),
      idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.nat().map((n) => `key-${n}`) }, { weight: 1, arbitrary: fc.constantFrom("k1", "k2") }),
      stripeVersion: fc.constant(null),
      extraHeaders: fc.constant([]),
      damage: fc.constant<Damage>({ kind: "none" }),
    });
    const hostile = fc.record<FuzzRequest>({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "FOO") }),
      route: fc.constant(route.path),
      pathParams,
      pathTwist: fc.oneof({ weight: 20, arbitrary: fc.constant("none" as const) }, { weight: 1, arbitrary: fc.constantFrom("slash", "upper", "double_slash", "suffix") }),
      params: body,
      encoding: fc.oneof(
        { weight: 10, arbitrary: fc.constant("form" as const) },
        { weight: 5, arbitrary: fc.constant("json" as const) },
        { weight: 2, arbitrary: fc.constant("form_brackets_raw" as const) },
        { weight: 2, arbitrary: fc.constant("query" as const) },
        { weight: 1, arbitrary: fc.constantFrom("form_malformed" as const, "json_malformed" as const, "other" as const) },
      ),
      malformed: fc.oneof(
        fc.constantFrom("a[b=1", "%", "%zz=1", "a=%", "a[]]=1", "[]=1", "=1", "&&&", "a[0]=1&a[2]=3", "a[x][0]=1&a[x][y]=2", "expand[1]=x", "expand[]=a&expand=b", "{", "[1,2]", "null", "1", "\"s\"", "{\"a\":}", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
        fc.integer({ min: 100, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
        fc.integer({ min: 10, max: 3_000 }).map((n) => "a" + "[b]".repeat(n) + "=1"),
        fc.integer({ min: 2_001, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}=v`).join("&")),
      ),
      contentType: fc.constantFrom("text/plain", "multipart/form-data; boundary=x", null, "application/x-www-form-urlencoded; charset=latin1", "application/json; charset=utf-16", "application/JSON", "*/*", "application/x-www-form-urlencoded;;"),
      namespace: fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom<string | null>("", "a b", "x".repeat(200), "ns/1", "..", "__proto__", "constructor") }),
      auth: fc.oneof(
        { weight: 30, arbitrary: fc.constant("Bearer sk_test_fuzz") },
        { weight: 1, arbitrary: fc.constantFrom<string | null>(null, "Bearer", "Bearer ", "Bearer sk_live_x", "Bearer pk_test_x", "Bearer rk_test_fuzz", "Basic c2tfdGVzdF9mdXp6Og==", "Basic !!!", "Token x", "Bearer sk_test_" + "x".repeat(300), "bearer sk_test_fuzz") },
      ),
      idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.constantFrom("k1", "k2", "k3", "k4") }, { weight: 1, arbitrary: fc.constantFrom("", "x".repeat(300), "constructor", "__proto__") }),
      stripeVersion: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("2020-08-27", "2026-10-28.endive", "garbage", "", "x".repeat(500), "2024-13-45") }),
      extraHeaders: fc.oneof(
        { weight: 8, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom("x-extra", "accept", "user-agent", "connection", "expect", "accept-encoding", "stripe-account"), fc.constantFrom("1", "keep-alive", "close", "100-continue", "gzip, br", "*/*", "acct_1")), { minLength: 1, maxLength: 2 }) },
      ),
      damage: damageArb(),
    });
    // Well-formed requests reach deep states (paid invoices, refunds, renewals) for the hostile ones to hit.
    const chain = chainFor(route);
    return fc.oneof({ weight: 2, arbitrary: clean }, { weight: 3, arbitrary: hostile }, { weight: chain ? 1 : 0, arbitrary: fc.constant(chain ?? ({} as FuzzRequest)) });
  });
  // Creates come first in any state that matters: they are drawn more often.
  // Wiping a namespace is rare, so state can build up.
  const weight = (r: RouteSpec) => (RECIPES[`${r.method} ${r.path}`] && !r.path.includes(":") ? 60 : /flush|cleanup/.test(r.path) ? 1 : 10);
  return fc.oneof(...byRoute.map((arbitrary, i) => ({ weight: weight(routes[i]!), arbitrary })));
}

// Chains: for every route, a well-formed request that succeeds, after the well-formed requests that make
// the state it needs (a customer to delete, a manual-capture PaymentIntent to capture, an open invoice
// to void), so every route is explored past validation. Every run starts with one chain per route; chains
// are drawn among the other requests too, so deep states keep being built for the hostile requests.

/** A well-formed request: the worker's namespace, the test key, no damage. */
function well(method: string, route: string, params: Value = {}, pathParams: Readonly<Record<string, Value>> = {}, before: readonly FuzzRequest[] = []): FuzzRequest {
  return {
    method,
    route,
    pathParams,
    pathTwist: "none",
    params,
    encoding: "form",
    malformed: "",
    contentType: null,
    namespace: undefined,
    auth: "Bearer sk_test_fuzz",
    idempotencyKey: null,
    stripeVersion: null,
    extraHeaders: [],
    damage: { kind: "none" },
    ...(before.length ? { before } : {}),
  };
}

const L = (prefix: string): Latest => ({ $latest: prefix });
const META = { metadata: { chain: "1" } };
const CUS = well("POST", "/v1/customers", { email: "chain@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const PROD = well("POST", "/v1/products", { name: "Chain" });
const PRICE = well("POST", "/v1/prices", { currency: "usd", unit_amount: 1000, product: L("prod"), recurring: { interval: "month" } });
const SUB = [CUS, PROD, PRICE, well("POST", "/v1/subscriptions", { customer: L("cus"), items: [{ price: L("price") }] })];
const SECOND_ITEM = [...SUB, PRICE, well("POST", "/v1/subscription_items", { subscription: L("sub"), price: L("price") })];
const PI = (body: Record<string, Value> = {}) => well("POST", "/v1/payment_intents", { amount: 2000, currency: "usd", payment_method_types: ["card"], ...body });
const CHARGE = (body: Record<string, Value> = {}) => well("POST", "/v1/charges", { amount: 2000, currency: "usd", source: "tok_visa", ...body });
const SETI = (body: Record<string, Value> = {}) => well("POST", "/v1/setup_intents", { payment_method_types: ["card"], ...body });
const PM = well("POST", "/v1/payment_methods", { type: "card", card: { token: "tok_visa" } });
/** A mandate is seen only expanded: a SEPA Direct Debit account set up with the customer's acceptance. */
const MANDATE = [
  well("POST", "/v1/payment_methods", { type: "sepa_debit", sepa_debit: { iban: "AT611904300234573201" } }),
  well("POST", "/v1/setup_intents", { confirm: true, payment_method: L("pm"), payment_method_types: ["sepa_debit"], mandate_data: { customer_acceptance: { type: "offline" } }, expand: ["mandate"] }),
];
const ATTACHED = [CUS, PM, well("POST", "/v1/payment_methods/:id/attach", { customer: L("cus") }, { id: L("pm") })];
const DRAFT = [CUS, well("POST", "/v1/invoiceitems", { customer: L("cus"), amount: 500, currency: "usd" }), well("POST", "/v1/invoices", { customer: L("cus"), pending_invoice_items_behavior: "include" })];
const OPEN = [
  CUS,
  well("POST", "/v1/invoiceitems", { customer: L("cus"), amount: 500, currency: "usd" }),
  well("POST", "/v1/invoices", { customer: L("cus"), pending_invoice_items_behavior: "include", collection_method: "send_invoice", days_until_due: 30 }),
  well("POST", "/v1/invoices/:id/finalize", {}, { id: L("in") }),
];
const EVENT = [CUS, well("GET", "/v1/events", { limit: 1 })];
const CARD = [CUS, well("POST", "/v1/customers/:customer/sources", { source: "tok_visa" }, { customer: L("cus") })];
const CUSTOMER_TAX_ID = [CUS, well("POST", "/v1/customers/:customer/tax_ids", { type: "us_ein", value: "12-3456789" }, { customer: L("cus") })];
const REFUND = [CHARGE(), well("POST", "/v1/charges/:charge/refunds", {}, { charge: L("ch") })];
const DUE_BY_CUSTOMER = { customer: L("cus"), subscription: L("sub") };
const BALANCE = [CUS, well("POST", "/v1/customers/:customer/balance_transactions", { amount: -500, currency: "usd" }, { customer: L("cus") })];
// Coupon ids carry no prefix (Stripe's are free-form), so the chains name theirs; a second create of one is a 400 the next step does not need.
const COUPON = (id: string) => well("POST", "/v1/coupons", { id, percent_off: 25, duration: "once" });
const PROMO = [COUPON("fuzzpromo"), well("POST", "/v1/promotion_codes", { promotion: { type: "coupon", coupon: "fuzzpromo" } })];
// A trial that ends with nothing to charge pauses the subscription; a day later it can be resumed.
const PAUSED = [
  well("POST", "/v1/customers", { email: "cardless@example.com" }),
  PROD,
  PRICE,
  well("POST", "/v1/subscriptions", { customer: L("cus"), items: [{ price: L("price") }], trial_period_days: 1, trial_settings: { end_behavior: { missing_payment_method: "pause" } } }),
  well("POST", "/_time/advance", { seconds: 86_400 }),
];
const QUOTE = [CUS, PROD, PRICE, well("POST", "/v1/quotes", { customer: L("cus"), line_items: [{ price: L("price") }] })];
const OPEN_QUOTE = [...QUOTE, well("POST", "/v1/quotes/:id/finalize", {}, { id: L("qt") })];
const SCHEDULE = [CUS, PROD, PRICE, well("POST", "/v1/subscription_schedules", { customer: L("cus"), phases: [{ items: [{ price: L("price") }] }] })];
const CREDIT_NOTE = [...OPEN, well("POST", "/v1/credit_notes", { invoice: L("in"), amount: 100 })];
const CHECKOUT = [
  PROD,
  well("POST", "/v1/prices", { currency: "usd", unit_amount: 1000, product: L("prod") }),
  well("POST", "/v1/checkout/sessions", { mode: "payment", success_url: "https://example.com/done", line_items: [{ price: L("price"), quantity: 2 }] }),
];
const PAYMENT_LINK = [
  PROD,
  well("POST", "/v1/prices", { currency: "usd", unit_amount: 1000, product: L("prod") }),
  well("POST", "/v1/payment_links", { line_items: [{ price: L("price"), quantity: 1 }] }),
];
const PORTAL_CONFIG = well("POST", "/v1/billing_portal/configurations", { features: { invoice_history: { enabled: true } } });
// A payout draws on the available balance: a charge that skips the pending balance funds it, large enough
// that the disputes other chains open in the namespace (each withdrawing its amount and a fee) leave funds.
const PAYOUT = [CHARGE({ source: "tok_bypassPending", amount: 1_000_000 }), well("POST", "/v1/payouts", { amount: 100, currency: "usd" })];
// A dispute opens a moment after its card's payment, on the server clock; the list then names it.
const DISPUTE = [PI({ payment_method: "pm_card_createDispute", confirm: true }), well("POST", "/_time/advance", { seconds: 1 }), well("GET", "/v1/disputes")];
// A charge names its balance transaction; expanded, the transaction's id is learned.
const TXN = [CHARGE({ expand: ["balance_transaction"] })];
// A Custom account asking for transfers; its capabilities are named in its path.
const ACCOUNT = well("POST", "/v1/accounts", { type: "custom", capabilities: { transfers: { requested: true } } });
const ONBOARDED_ACCOUNT = [ACCOUNT, well("POST", "/v1/accounts/:id", { business_type: "company", business_profile: { mcc: "5734", url: "https://shop.example.com" }, external_account: "btok_us", tos_acceptance: { date: 1_700_000_000, ip: "203.0.113.7" } }, { id: L("acct") })];
const TRANSFER = [...ONBOARDED_ACCOUNT, CHARGE({ source: "tok_bypassPending", amount: 1_000_000 }), well("POST", "/v1/transfers", { amount: 100, currency: "usd", destination: L("acct") })];
const FEE = [...ONBOARDED_ACCOUNT, PI({ payment_method: "pm_card_visa", confirm: true, application_fee_amount: 100, transfer_data: { destination: L("acct") } }), well("GET", "/v1/application_fees")];
const FEE_REFUNDED = [...FEE, well("POST", "/v1/application_fees/:fee/refunds", { amount: 10 }, { fee: L("fee") })];
const REVERSED = [...TRANSFER, well("POST", "/v1/transfers/:transfer/reversals", { amount: 10 }, { transfer: L("tr") })];
const PLAN = well("POST", "/v1/plans", { amount: 1500, currency: "usd", interval: "month", product: { name: "Chain plan" } });

/** Per collection: the prefix of its ids and the requests that make one (the last is its create). */
const MAKES: Readonly<Record<string, { readonly prefix: string; readonly steps: readonly FuzzRequest[] }>> = {
  "/v1/customers": { prefix: "cus", steps: [CUS] },
  "/v1/products": { prefix: "prod", steps: [PROD] },
  "/v1/prices": { prefix: "price", steps: [PROD, PRICE] },
  "/v1/tokens": { prefix: "tok", steps: [well("POST", "/v1/tokens", { card: { number: "4242424242424242", exp_month: 12, exp_year: 2034, cvc: "123" } })] },
  "/v1/sources": { prefix: "src", steps: [well("POST", "/v1/sources", { type: "card", token: "tok_visa" })] },
  "/v1/payment_methods": { prefix: "pm", steps: [PM] },
  "/v1/mandates": { prefix: "mandate", steps: MANDATE },
  "/v1/charges": { prefix: "ch", steps: [CHARGE()] },
  "/v1/payment_intents": { prefix: "pi", steps: [PI()] },
  "/v1/refunds": { prefix: "re", steps: [CHARGE(), well("POST", "/v1/refunds", { charge: L("ch") })] },
  "/v1/disputes": { prefix: "du", steps: DISPUTE },
  "/v1/balance_transactions": { prefix: "txn", steps: TXN },
  "/v1/balance/history": { prefix: "txn", steps: TXN },
  "/v1/setup_intents": { prefix: "seti", steps: [SETI()] },
  "/v1/webhook_endpoints": { prefix: "we", steps: [well("POST", "/v1/webhook_endpoints", { url: LOOPBACK_URLS[0]!, enabled_events: ["*"] })] },
  "/v1/invoiceitems": { prefix: "ii", steps: [CUS, well("POST", "/v1/invoiceitems", { customer: L("cus"), amount: 500, currency: "usd" })] },
  "/v1/invoices": { prefix: "in", steps: DRAFT },
  "/v1/subscriptions": { prefix: "sub", steps: SUB },
  "/v1/subscription_items": { prefix: "si", steps: SECOND_ITEM },
  "/v1/test_helpers/test_clocks": { prefix: "clock", steps: [well("POST", "/v1/test_helpers/test_clocks", { frozen_time: 1_790_000_000, name: "chain" })] },
  "/v1/tax_rates": { prefix: "txr", steps: [well("POST", "/v1/tax_rates", { display_name: "VAT", percentage: 20, inclusive: false })] },
  "/v1/shipping_rates": { prefix: "shr", steps: [well("POST", "/v1/shipping_rates", { display_name: "Ground", type: "fixed_amount", fixed_amount: { amount: 500, currency: "usd" } })] },
  "/v1/tax_ids": { prefix: "txi", steps: [well("POST", "/v1/tax_ids", { type: "us_ein", value: "12-3456789" })] },
  "/v1/events": { prefix: "evt", steps: EVENT },
  "/v1/promotion_codes": { prefix: "promo", steps: PROMO },
  "/v1/plans": { prefix: "price", steps: [PLAN] },
  "/v1/quotes": { prefix: "qt", steps: QUOTE },
  "/v1/credit_notes": { prefix: "cn", steps: CREDIT_NOTE },
  "/v1/checkout/sessions": { prefix: "cs_test", steps: CHECKOUT },
  "/v1/payment_links": { prefix: "plink", steps: PAYMENT_LINK },
  "/v1/billing_portal/configurations": { prefix: "bpc", steps: [PORTAL_CONFIG] },
  "/v1/subscription_schedules": { prefix: "sub_sched", steps: SCHEDULE },
  "/v1/payouts": { prefix: "po", steps: PAYOUT },
  "/v1/accounts": { prefix: "acct", steps: [ACCOUNT] },
  "/v1/transfers": { prefix: "tr", steps: TRANSFER },
  "/v1/application_fees": { prefix: "fee", steps: FEE },
};

/** Chains the general rule below does not give: [requests before, params, path params]. */
const CHAINS: Readonly<Record<string, readonly [readonly FuzzRequest[], Value, Readonly<Record<string, Value>>]>> = {
  "POST /v1/payment_methods/:id/attach": [[CUS, PM], { customer: L("cus") }, { id: L("pm") }],
  "POST /v1/payment_methods/:id/detach": [ATTACHED, {}, { id: L("pm") }],
  // Stripe updates only a PaymentMethod saved to a customer.
  "POST /v1/payment_methods/:id": [ATTACHED, META, { id: L("pm") }],
  "GET /v1/customers/:customer/payment_methods": [[CUS], {}, { customer: L("cus") }],
  "GET /v1/customers/:customer/payment_methods/:id": [ATTACHED, {}, { customer: L("cus"), id: L("pm") }],
  "POST /v1/customers/:customer/sources": [[CUS], { source: "tok_visa" }, { customer: L("cus") }],
  "GET /v1/customers/:customer/sources": [[CUS], {}, { customer: L("cus") }],
  "GET /v1/customers/:customer/sources/:id": [CARD, {}, { customer: L("cus"), id: L("card") }],
  "DELETE /v1/customers/:customer/sources/:id": [CARD, {}, { customer: L("cus"), id: L("card") }],
  "POST /v1/customers/:customer/cards": [[CUS], { source: "tok_visa" }, { customer: L("cus") }],
  "GET /v1/customers/:customer/cards": [[CUS], {}, { customer: L("cus") }],
  "GET /v1/customers/:customer/cards/:id": [CARD, {}, { customer: L("cus"), id: L("card") }],
  "DELETE /v1/customers/:customer/cards/:id": [CARD, {}, { customer: L("cus"), id: L("card") }],
  "POST /v1/customers/:customer/balance_transactions": [[CUS], { amount: -500, currency: "usd" }, { customer: L("cus") }],
  "GET /v1/customers/:customer/balance_transactions": [[CUS], {}, { customer: L("cus") }],
  "GET /v1/customers/:customer/balance_transactions/:id": [BALANCE, {}, { customer: L("cus"), id: L("cbtxn") }],
  "POST /v1/customers/:customer/balance_transactions/:id": [BALANCE, META, { customer: L("cus"), id: L("cbtxn") }],
  "POST /v1/ephemeral_keys": [[CUS], { customer: L("cus") }, {}],
  "DELETE /v1/ephemeral_keys/:id": [[CUS, well("POST", "/v1/ephemeral_keys", { customer: L("cus") })], {}, { id: L("ephkey") }],
  "POST /v1/customer_sessions": [[CUS], { customer: L("cus"), components: { pricing_table: { enabled: true } } }, {}],
  "POST /v1/coupons": [[], { percent_off: 10, duration: "forever" }, {}],
  "GET /v1/coupons/:id": [[COUPON("fuzzget")], {}, { id: "fuzzget" }],
  "POST /v1/coupons/:id": [[COUPON("fuzzupdate")], META, { id: "fuzzupdate" }],
  "DELETE /v1/coupons/:id": [[COUPON("fuzzdelete")], {}, { id: "fuzzdelete" }],
  "POST /v1/customers/:customer/tax_ids": [[CUS], { type: "us_ein", value: "12-3456789" }, { customer: L("cus") }],
  "GET /v1/customers/:customer/tax_ids": [[CUS], {}, { customer: L("cus") }],
  "GET /v1/customers/:customer/tax_ids/:id": [CUSTOMER_TAX_ID, {}, { customer: L("cus"), id: L("txi") }],
  "DELETE /v1/customers/:customer/tax_ids/:id": [CUSTOMER_TAX_ID, {}, { customer: L("cus"), id: L("txi") }],
  "POST /v1/charges/:id/capture": [[CHARGE({ capture: false })], {}, { id: L("ch") }],
  "POST /v1/charges/:charge/refunds": [[CHARGE()], {}, { charge: L("ch") }],
  "GET /v1/charges/:charge/refunds": [[CHARGE()], {}, { charge: L("ch") }],
  "GET /v1/charges/:charge/refunds/:id": [REFUND, {}, { charge: L("ch"), id: L("re") }],
  "POST /v1/payment_intents/:id/confirm": [[PI({ payment_method: "pm_card_visa" })], {}, { id: L("pi") }],
  "POST /v1/payment_intents/:id/capture": [[PI({ payment_method: "pm_card_visa", confirm: true, capture_method: "manual" })], {}, { id: L("pi") }],
  "POST /v1/setup_intents/:id/confirm": [[SETI({ payment_method: "pm_card_visa" })], {}, { id: L("seti") }],
  "POST /v1/invoices/:id/pay": [OPEN, {}, { id: L("in") }],
  "POST /v1/invoices/:id/void": [OPEN, {}, { id: L("in") }],
  "POST /v1/invoices/:id/mark_uncollectible": [OPEN, {}, { id: L("in") }],
  "POST /v1/invoices/:id/send": [OPEN, {}, { id: L("in") }],
  "POST /v1/invoices/create_preview": [SUB, DUE_BY_CUSTOMER, {}],

  "POST /v1/subscriptions/:id/resume": [PAUSED, {}, { id: L("sub") }],
  "DELETE /v1/customers/:id/discount": [[COUPON("fuzzcusdiscount"), well("POST", "/v1/customers", { coupon: "fuzzcusdiscount" })], {}, { id: L("cus") }],
  "DELETE /v1/subscriptions/:id/discount": [
    [CUS, PROD, PRICE, COUPON("fuzzsubdiscount"), well("POST", "/v1/subscriptions", { customer: L("cus"), items: [{ price: L("price") }], discounts: [{ coupon: "fuzzsubdiscount" }] })],
    {},
    { id: L("sub") },
  ],
  "POST /v1/quotes/:id/finalize": [QUOTE, {}, { id: L("qt") }],
  "POST /v1/quotes/:id/accept": [OPEN_QUOTE, {}, { id: L("qt") }],
  "POST /v1/quotes/:id/cancel": [QUOTE, {}, { id: L("qt") }],
  "GET /v1/quotes/:id/pdf": [OPEN_QUOTE, {}, { id: L("qt") }],
  "GET /v1/quotes/:id/line_items": [QUOTE, {}, { id: L("qt") }],
  "GET /v1/payment_links/:id/line_items": [PAYMENT_LINK, {}, { id: L("plink") }],
  // A balance transaction's id is learnt from the list that shows it, after a charge made one.
  "GET /v1/balance_transactions/:id": [[CHARGE(), well("GET", "/v1/balance_transactions", {})], {}, { id: L("txn") }],
  "GET /v1/balance/history/:id": [[CHARGE(), well("GET", "/v1/balance_transactions", {})], {}, { id: L("txn") }],
  "POST /v1/billing_portal/configurations": [[], { features: { invoice_history: { enabled: true } } }, {}],
  "POST /v1/billing_portal/sessions": [[CUS], { customer: L("cus") }, {}],
  "GET /v1/quotes/:id/computed_upfront_line_items": [QUOTE, {}, { id: L("qt") }],
  "POST /v1/subscription_schedules/:id/cancel": [SCHEDULE, {}, { id: L("sub_sched") }],
  "POST /v1/subscription_schedules/:id/release": [SCHEDULE, {}, { id: L("sub_sched") }],
  "GET /v1/credit_notes/preview": [OPEN, { invoice: L("in"), amount: 100 }, {}],
  "GET /v1/credit_notes/preview/lines": [OPEN, { invoice: L("in"), lines: [{ type: "custom_line_item", unit_amount: 100 }] }, {}],
  "GET /v1/credit_notes/:credit_note/lines": [CREDIT_NOTE, {}, { credit_note: L("cn") }],
  "POST /v1/credit_notes/:id/void": [CREDIT_NOTE, {}, { id: L("cn") }],
  "POST /_test/checkout/sessions/:id/complete": [CHECKOUT, { payment_method: "pm_card_visa" }, { id: L("cs_test") }],
  "GET /v1/subscription_items": [SUB, { subscription: L("sub") }, {}],
  "POST /v1/subscription_items": [[...SUB, PRICE], { subscription: L("sub"), price: L("price") }, {}],
  "POST /v1/subscription_items/:id": [SUB, { quantity: 2 }, { id: L("si") }],
  "POST /v1/test_helpers/test_clocks/:id/advance": [MAKES["/v1/test_helpers/test_clocks"]!.steps, { frozen_time: 1_790_086_400 }, { id: L("clock") }],
  "POST /_test/payment_intents/:id/authenticate": [[PI({ payment_method: "pm_card_authenticationRequired", confirm: true })], { outcome: "succeed" }, { id: L("pi") }],
  "POST /_test/setup_intents/:id/authenticate": [[SETI({ payment_method: "pm_card_authenticationRequired", confirm: true })], { outcome: "succeed" }, { id: L("seti") }],
  "POST /_chaos/customers/:id/failure": [[CUS], { decline_code: "card_declined", times: 1 }, { id: L("cus") }],
  "DELETE /_chaos/customers/:id/failure": [[CUS], {}, { id: L("cus") }],
  "POST /_webhooks/events/:id/resend": [EVENT, {}, { id: L("evt") }],
  // Only a paid payout can be reversed: it arrives at the next midnight.
  "POST /v1/payouts/:id/reverse": [[...PAYOUT, well("POST", "/_time/advance", { seconds: 2 * 86_400 })], {}, { id: L("po") }],
  "POST /v1/accounts": [[], { type: "express" }, {}],
  "POST /v1/accounts/:id/reject": [[ACCOUNT], { reason: "other" }, { id: L("acct") }],
  "GET /v1/accounts/:account/capabilities": [[ACCOUNT], {}, { account: L("acct") }],
  "GET /v1/accounts/:account/capabilities/:capability": [[ACCOUNT], {}, { account: L("acct"), capability: "transfers" }],
  "POST /v1/accounts/:account/capabilities/:capability": [[ACCOUNT], { requested: true }, { account: L("acct"), capability: "card_payments" }],
  "POST /v1/transfers/:transfer/reversals": [TRANSFER, { amount: 10 }, { transfer: L("tr") }],
  "GET /v1/transfers/:transfer/reversals": [TRANSFER, {}, { transfer: L("tr") }],
  "GET /v1/transfers/:transfer/reversals/:id": [REVERSED, {}, { transfer: L("tr"), id: L("trr") }],
  "POST /v1/transfers/:transfer/reversals/:id": [REVERSED, META, { transfer: L("tr"), id: L("trr") }],
  "POST /v1/application_fees/:fee/refunds": [FEE, { amount: 10 }, { fee: L("fee") }],
  "GET /v1/application_fees/:fee/refunds": [FEE, {}, { fee: L("fee") }],
  "GET /v1/application_fees/:fee/refunds/:id": [FEE_REFUNDED, {}, { fee: L("fee"), id: L("fr") }],
  "POST /v1/application_fees/:fee/refunds/:id": [FEE_REFUNDED, META, { fee: L("fee"), id: L("fr") }],
  "POST /v1/account_links": [[ACCOUNT], { account: L("acct"), type: "account_onboarding", refresh_url: "https://example.com/reauth", return_url: "https://example.com/return" }, {}],
  "POST /v1/accounts/:account/login_links": [[well("POST", "/v1/accounts", { type: "express" })], {}, { account: L("acct") }],
  "POST /_chaos/config": [[], { payment: { failure_rate: 0 } }, {}],
  "PUT /_chaos/config": [[], { payment: { failure_rate: 0 } }, {}],
  "POST /_time/advance": [[], { seconds: 60 }, {}],
};

/**
 * Routes no well-formed request can answer with a 2xx, and why: the fuzz
 * test accepts exactly these in its list of routes never answered a 2xx.
 */
export const NEVER_2XX: Readonly<Record<string, string>> = {
  "POST /v1/refunds/:id/cancel": "card refunds never wait for an action, so none can be canceled (Stripe: only refunds requiring action can be)",
  "POST /v1/payouts/:id/cancel": "a payout is cancelable while pending, 60 s of server time, which another worker's POST /_time/advance may pass between the create and the cancel (test/resources/payouts.test.ts cancels one)",
  "GET /v1/nope/:id": "an unknown route, drawn on purpose",
  "POST /": "an unknown route, drawn on purpose",
  "GET /_nope": "an unknown route, drawn on purpose",
};

/** The id prefix of a collection's objects, by its path; nested collections by their last segment. */
function prefixOfCollection(collection: string): string | undefined {
  const nested: Record<string, string> = { sources: "card", tax_ids: "txi", refunds: "re", payment_methods: "pm" };
  return MAKES[collection]?.prefix ?? nested[collection.split("/").at(-1)!];
}

/** The chain for a route: the requests it needs, then a well-formed request of its own; `undefined` for the routes of {@link NEVER_2XX}. */
export function chainFor(route: { readonly method: string; readonly path: string }): FuzzRequest | undefined {
  const key = `${route.method} ${route.path}`;
  if (NEVER_2XX[key] !== undefined) return undefined;
  // Served in the API versions before its removal (2025-03-31.basil) only.
  if (key === "GET /v1/invoices/upcoming" || key === "GET /v1/invoices/upcoming/lines") return { ...well(route.method, route.path, DUE_BY_CUSTOMER, {}, SUB), stripeVersion: "2025-02-24.acacia" };
  const special = CHAINS[key];
  if (special) return well(route.method, route.path, special[1], special[2], special[0]);
  // A create of a collection: the steps that make one end with it.
  const made = MAKES[route.path];
  if (made && route.method === "POST") {
    const last = made.steps.at(-1)!;
    return { ...last, ...(made.steps.length > 1 ? { before: made.steps.slice(0, -1) } : {}) };
  }
  // An object's own route (`/v1/things/:id`, `/v1/things/:id/action`): one is made first.
  const m = /^(.*)\/:id(\/[a-z_]+)?$/.exec(route.path);
  const owner = m ? MAKES[m[1]!] : undefined;
  if (m && owner) return well(route.method, route.path, route.method === "POST" && m[2] === undefined ? META : {}, { id: L(owner.prefix) }, owner.steps);
  // Lists, searches and control routes answer a plain request.
  return well(route.method, route.path, route.path.endsWith("/search") ? { query: "metadata['chain']:'1'" } : {});
}
