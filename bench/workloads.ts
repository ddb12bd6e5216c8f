/**
 * The HTTP workloads, each run against the bare baseline and paper-tiger
 * with the same connections and duration. Requests are what the official
 * SDK sends: a test key, form bodies in Stripe's bracket notation.
 */
import type { RequestShape } from "./lib/load.js";
import type { PaperTigerReady } from "./servers/paper-tiger.js";

/** The API key header every workload sends. */
export const AUTH = { authorization: "Bearer sk_test_bench" };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const NAMESPACE = "x-paper-tiger-namespace";

/** Which paper-tiger instance a workload needs. */
export type Instance = "main" | "hanging-webhook" | "no-journal" | "logged";

/** One workload. */
export interface Workload {
  readonly id: string;
  readonly name: string;
  readonly instance: Instance;
  readonly baseline: (customer: string) => RequestShape;
  readonly paperTiger: (ready: PaperTigerReady) => RequestShape;
  /** Errors are the point (an error rate is configured). */
  readonly expectsErrors?: boolean;
  /** Target: the least paper-tiger ÷ baseline ratio. */
  readonly target?: number;
  /**
   * paper-tiger without the condition under test (chaos, a hanging receiver),
   * measured in the same alternating rounds, so the condition's own cost is a
   * ratio from one run.
   */
  readonly reference?: { readonly instance: Instance; readonly label: string; readonly shape: (ready: PaperTigerReady) => RequestShape };
}

/** Create a customer, as the SDK sends it without an idempotency key. */
export const createCustomer: RequestShape = {
  method: "POST",
  path: "/v1/customers",
  headers: FORM,
  body: "email=ada%40example.com&name=Ada%20Lovelace&description=bench&metadata[order_id]=6735&metadata[plan]=pro",
};
const retrieve = (id: string, headers: Record<string, string> = {}): RequestShape => ({ method: "GET", path: `/v1/customers/${id}`, headers: { ...AUTH, ...headers } });

/** What the official SDK sends on every POST besides the form: a fresh idempotency key and its pinned API version. */
const asTheSdk = (shape: RequestShape): RequestShape => ({
  ...shape,
  headers: { ...shape.headers, "stripe-version": "2026-10-28.endive", "user-agent": "Stripe/v1 NodeBindings/23.1.0" },
  idempotencyKeys: true,
});

export const WORKLOADS: readonly Workload[] = [
  { id: "create", name: "create customer", instance: "main", baseline: () => createCustomer, paperTiger: () => createCustomer, target: 0.6 },
  {
    id: "create-sdk",
    name: "create customer as the SDK sends it (idempotency key)",
    instance: "main",
    baseline: () => asTheSdk(createCustomer),
    paperTiger: () => asTheSdk(createCustomer),
  },
  { id: "retrieve", name: "retrieve customer", instance: "main", baseline: (id) => retrieve(id), paperTiger: (r) => retrieve(r.customer), target: 0.8 },
  {
    id: "list",
    name: "list customers (10 of 10k)",
    instance: "main",
    baseline: () => ({ method: "GET", path: "/v1/customers?limit=10", headers: AUTH }),
    paperTiger: () => ({ method: "GET", path: "/v1/customers?limit=10", headers: AUTH }),
    target: 0.5,
  },
  {
    id: "payment",
    name: "create+confirm PaymentIntent",
    instance: "main",
    baseline: () => paymentIntent,
    paperTiger: () => paymentIntent,
    target: 0.3,
  },
  {
    id: "chaos-zero",
    name: "retrieve, chaos at all-zero rates",
    instance: "main",
    baseline: (id) => retrieve(id),
    paperTiger: (r) => retrieve(r.chaosZeroCustomer, { [NAMESPACE]: "chaos-zero" }),
    // Same header and namespace mechanics, only the chaos configuration differs.
    reference: { instance: "main", label: "retrieve in a namespace without chaos", shape: (r) => retrieve(r.plainNamespaceCustomer, { [NAMESPACE]: "plain" }) },
  },
  {
    id: "chaos-errors",
    name: "retrieve, 10% API error rate",
    instance: "main",
    baseline: (id) => retrieve(id),
    paperTiger: (r) => retrieve(r.chaosErrorCustomer, { [NAMESPACE]: "chaos-errors" }),
    expectsErrors: true,
  },
  {
    id: "hanging-webhook",
    name: "create customer, webhook receiver hangs",
    instance: "hanging-webhook",
    baseline: () => createCustomer,
    paperTiger: () => createCustomer,
    reference: { instance: "main", label: "create with no webhook endpoint", shape: () => createCustomer },
  },
  {
    id: "journal",
    name: "create customer, request journal on (the default)",
    instance: "main",
    baseline: () => createCustomer,
    paperTiger: () => createCustomer,
    reference: { instance: "no-journal", label: "create with the journal off", shape: () => createCustomer },
  },
  {
    id: "logged",
    name: "create customer, log on (JSON lines to /dev/null)",
    instance: "logged",
    baseline: () => createCustomer,
    paperTiger: () => createCustomer,
    reference: { instance: "main", label: "create with the log off", shape: () => createCustomer },
  },
];

/** Create and confirm a PaymentIntent with a test card. */
export const paymentIntent: RequestShape = {
  method: "POST",
  path: "/v1/payment_intents",
  headers: FORM,
  body: "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never&metadata[order_id]=6735",
};
