/**
 * What the Checkout page tests share: a server, a catalog, sessions, and the
 * page fetched and posted as a browser without script would (no redirects
 * followed, so the test sees each 303).
 */
import type Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";

export const SUCCESS = "https://shop.example/success?session_id={CHECKOUT_SESSION_ID}";
export const CANCEL = "https://shop.example/cart";
/** A card's expiry in the future of any server clock the tests use. */
export const EXPIRY = "12 / 40";

export interface PageResponse {
  readonly status: number;
  readonly location: string | null;
  readonly headers: Headers;
  readonly text: string;
}

/** A page request, as a browser sends it: no key, urlencoded form fields. */
export async function fetchPage(url: string, form?: Record<string, string>): Promise<PageResponse> {
  const res = await fetch(url, {
    method: form ? "POST" : "GET",
    redirect: "manual",
    ...(form ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() } : {}),
  });
  return { status: res.status, location: res.headers.get("location"), headers: res.headers, text: await res.text() };
}

/** The texts of the page's `role="alert"` elements, unescaped. */
export function alerts(pageHtml: string): string[] {
  return [...pageHtml.matchAll(/<p[^>]*role="alert"[^>]*>([^<]*)<\/p>/g)].map((m) => unescape(m[1]!));
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

/** The card form of Stripe's test card `number`, filled as a customer would. */
export function card(number: string, extra: Record<string, string> = {}): Record<string, string> {
  return { email: "jenny@example.com", cardNumber: number, cardExpiry: EXPIRY, cardCvc: "123", billingName: "Jenny Rosen", billingCountry: "US", ...extra };
}

export interface Shop {
  readonly s: TestServer;
  readonly stripe: Stripe;
  readonly ns: string | undefined;
  /** A T-shirt at $20.00. */
  readonly tshirt: Stripe.Price;
  /** A monthly plan at $15.00. */
  readonly monthly: Stripe.Price;
  /** A payment-mode session: 2 T-shirts, $40.00. */
  session(extra?: Partial<Stripe.Checkout.SessionCreateParams>): Promise<Stripe.Checkout.Session>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A server with a small catalog, in namespace `ns` (the default one when not given). */
export async function openShop(ns?: string, s?: TestServer): Promise<Shop> {
  const server = s ?? (await startTestServer());
  const stripe = server.stripe(ns ? { namespace: ns } : {});
  const tshirt = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product_data: { name: "T-shirt" } });
  const monthly = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro plan" } });
  const close = () => (s ? Promise.resolve() : server.close());
  return {
    s: server,
    stripe,
    ns,
    tshirt,
    monthly,
    session: (extra = {}) =>
      stripe.checkout.sessions.create({ mode: "payment", line_items: [{ price: tshirt.id, quantity: 2 }], success_url: SUCCESS, cancel_url: CANCEL, ...extra } as Stripe.Checkout.SessionCreateParams),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The URL a completed session sends its customer to. */
export function successOf(id: string): string {
  return SUCCESS.replace("{CHECKOUT_SESSION_ID}", id);
}
