/**
 * @module objects
 * The Stripe objects paper-tiger stores and returns, as the official SDK types them
 * (`Wire<Stripe.X>`: the JSON on the wire). Resources, payments, billing and the
 * state machines share these types from here.
 */
import type { Stripe, Wire } from "./types.js";

/** A customer as stored and returned. */
export type Customer = Wire<Stripe.Customer>;

/** A product as stored and returned. */
export type Product = Wire<Stripe.Product>;

/** A price as stored and returned. */
export type Price = Wire<Stripe.Price>;

/** A token as stored and returned. */
export type Token = Wire<Stripe.Token>;

/** A PaymentMethod as stored and returned. */
export type PaymentMethod = Wire<Stripe.PaymentMethod>;

/** A PaymentIntent as stored and returned. */
export type PaymentIntent = Wire<Stripe.PaymentIntent>;

/** A SetupIntent as stored and returned. */
export type SetupIntent = Wire<Stripe.SetupIntent>;

/** A Charge as stored and returned. */
export type Charge = Wire<Stripe.Charge>;

/** A Refund as stored and returned. */
export type Refund = Wire<Stripe.Refund>;

/** A Dispute as stored and returned. */
export type Dispute = Wire<Stripe.Dispute>;

/** An invoice as stored and returned. Stripe's example objects still carry `subscription` at the top. */
export type Invoice = Wire<Stripe.Invoice> & { subscription: string | null };

/** One line of an invoice. */
export type InvoiceLine = Wire<Stripe.InvoiceLineItem>;

/** An invoice item as stored and returned. */
export type InvoiceItem = Wire<Stripe.InvoiceItem>;

/** A subscription as stored and returned. */
export type Subscription = Wire<Stripe.Subscription>;

/** One item of a subscription. */
export type SubscriptionItem = Wire<Stripe.SubscriptionItem>;

/** A test clock as stored and returned. */
export type TestClock = Wire<Stripe.TestHelpers.TestClock>;

/** A webhook endpoint as stored and returned (without its secret). */
export type WebhookEndpoint = Wire<Stripe.WebhookEndpoint>;
