import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { DELAYED_REFUND_MS } from "../../src/resources/refunds.js";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { CARD_ONLY, eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { setImmediate as tick } from "node:timers/promises";
import { until } from "../helpers/settle.js";

async function paid(stripe: Stripe, amount: number, paymentMethod = "pm_card_visa", extra: Partial<Stripe.PaymentIntentCreateParams> = {}): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency: "usd", payment_method: paymentMethod, confirm: true, ...CARD_ONLY, ...extra });
}

describe("refunds", { timeout: 120_000 }, () => {
  test("partial then full refunds, by PaymentIntent and by charge; the charge keeps count", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await paid(stripe, 2000);
    const chargeId = pi.latest_charge as string;
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 500, reason: "requested_by_customer", metadata: { why: "late" } });
    assert.match(first.id, /^re_/);
    assert.deepEqual(
      [first.object, first.status, first.amount, first.currency, first.charge, first.payment_intent, first.payment_method, first.reason, first.metadata],
      ["refund", "succeeded", 500, "usd", chargeId, pi.id, pi.payment_method, "requested_by_customer", { why: "late" }],
    );
    assert.match(first.balance_transaction as string, /^txn_/);
    assert.equal(first.destination_details?.type, "card");
    assert.deepEqual(skeletonMismatches("refund", first), []);
    let charge = await stripe.charges.retrieve(chargeId, { expand: ["refunds"] });
    assert.deepEqual([charge.amount_refunded, charge.refunded, charge.refunds?.data.map((r) => r.id)], [500, false, [first.id]]);
    // Since 2022-11-15 the list comes only on request, on lists and events too.
    assert.equal(Object.hasOwn(await stripe.charges.retrieve(chargeId), "refunds"), false);
    const [listed] = (await stripe.charges.list({ expand: ["data.refunds"] })).data;
    assert.deepEqual(listed?.refunds?.data.map((r) => r.id), [first.id]);
    const [firstRefunded] = (await stripe.events.list({ type: "charge.refunded" })).data;
    assert.equal(Object.hasOwn(firstRefunded!.data.object, "refunds"), false);

    const rest = await stripe.refunds.create({ charge: chargeId });
    assert.equal(rest.amount, 1500, "the default is what is left");
    charge = await stripe.charges.retrieve(chargeId, { expand: ["refunds"] });
    assert.deepEqual([charge.amount_refunded, charge.refunded, charge.refunds?.data.map((r) => r.id)], [2000, true, [rest.id, first.id]]);

    await assert.rejects(
      stripe.refunds.create({ charge: chargeId, amount: 1 }),
      stripeError(400, { code: "charge_already_refunded", message: `Charge ${chargeId} has already been refunded.` }),
    );
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id }), stripeError(400, { code: "charge_already_refunded" }));
    assert.deepEqual(await eventTypes(stripe, "*refund*"), ["refund.created", "charge.refunded", "refund.created", "charge.refunded"]);
    const refundedEvent = (await stripe.events.list({ type: "charge.refunded", limit: 1 })).data[0]!;
    assert.equal((refundedEvent.data.object as Stripe.Charge).amount_refunded, 2000);
  });

  test("refunding more than what is left is refused, and changes nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await paid(stripe, 1000);
    const chargeId = pi.latest_charge as string;
    await assert.rejects(
      stripe.refunds.create({ payment_intent: pi.id, amount: 1500 }),
      stripeError(400, { param: "amount", code: undefined, message: "Refund amount ($15.00) is greater than charge amount ($10.00)" }),
    );
    await stripe.refunds.create({ charge: chargeId, amount: 600 });
    await assert.rejects(
      stripe.refunds.create({ charge: chargeId, amount: 500 }),
      stripeError(400, { param: "amount", message: "Refund amount ($5.00) is greater than unrefunded amount on charge ($4.00)" }),
    );
    const charge = await stripe.charges.retrieve(chargeId);
    assert.deepEqual([charge.amount_refunded, charge.refunded], [600, false]);
    assert.equal((await stripe.refunds.list()).data.length, 1);

    // After a partial capture only the captured amount can be refunded.
    const held = await paid(stripe, 2000, "pm_card_visa", { capture_method: "manual" });
    await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1500 });
    await assert.rejects(stripe.refunds.create({ payment_intent: held.id, amount: 1600 }), stripeError(400, { param: "amount" }));
    const all = await stripe.refunds.create({ payment_intent: held.id });
    assert.equal(all.amount, 1500);
    assert.equal((await stripe.charges.retrieve(held.latest_charge as string)).refunded, true);
  });

  test("what cannot be refunded: uncaptured, unpaid, failed, or nothing named", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const held = await paid(stripe, 1000, "pm_card_visa", { capture_method: "manual" });
    await assert.rejects(stripe.refunds.create({ payment_intent: held.id }), stripeError(400, { code: undefined, param: undefined }));
    await assert.rejects(stripe.refunds.create({ charge: held.latest_charge as string }), stripeError(400, {}));
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: "usd" });
    await assert.rejects(stripe.refunds.create({ payment_intent: open.id }), stripeError(400, { param: "payment_intent" }));
    const declined = await paid(stripe, 1000, "pm_card_chargeDeclined").catch((e: Stripe.errors.StripeCardError) => e.charge!);
    await assert.rejects(stripe.refunds.create({ charge: declined as string }), stripeError(400, {}));
    await assert.rejects(stripe.refunds.create({}), stripeError(400, { code: "parameter_missing" }));
    await assert.rejects(stripe.refunds.create({ charge: "ch_nope" }), stripeError(400, { code: "resource_missing", param: "charge" }));
    await assert.rejects(stripe.refunds.create({ payment_intent: "pi_nope" }), stripeError(400, { code: "resource_missing", param: "payment_intent" }));
    await assert.rejects(stripe.refunds.create({ payment_intent: held.id, reason: "bored" as "duplicate" }), stripeError(400, { param: "reason" }));
    assert.equal((await stripe.refunds.list()).data.length, 0);
  });

  test("retrieve, update, list by charge and PaymentIntent, the legacy charge refunds routes; cancel is refused for card refunds", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await paid(stripe, 3000);
    const b = await paid(stripe, 3000);
    const ra = await stripe.refunds.create({ payment_intent: a.id, amount: 100 });
    const rb = await stripe.refunds.create({ payment_intent: b.id, amount: 200 });
    assert.deepEqual({ ...(await stripe.refunds.retrieve(ra.id)), lastResponse: undefined }, { ...ra, lastResponse: undefined });
    const updated = await stripe.refunds.update(ra.id, { metadata: { note: "x" } });
    assert.deepEqual(updated.metadata, { note: "x" });
    const [event] = (await stripe.events.list({ type: "refund.updated" })).data;
    assert.deepEqual(event?.data.previous_attributes, { metadata: { note: null } });
    assert.deepEqual((await stripe.charges.retrieve(a.latest_charge as string, { expand: ["refunds"] })).refunds?.data[0]?.metadata, { note: "x" }, "the charge's copy follows");
    assert.deepEqual((await stripe.refunds.list({ charge: a.latest_charge as string })).data.map((r) => r.id), [ra.id]);
    assert.deepEqual((await stripe.refunds.list({ payment_intent: b.id })).data.map((r) => r.id), [rb.id]);
    assert.deepEqual((await stripe.refunds.list()).data.map((r) => r.id), [rb.id, ra.id]);

    const viaCharge = await s.raw("POST", `/v1/charges/${a.latest_charge}/refunds`, { body: "amount=300" });
    assert.deepEqual([viaCharge.status, viaCharge.json.amount, viaCharge.json.charge], [200, 300, a.latest_charge]);
    const listed = await s.raw("GET", `/v1/charges/${a.latest_charge}/refunds`);
    assert.deepEqual(listed.json.data.map((r: { id: string }) => r.id), [viaCharge.json.id, ra.id]);
    const one = await s.raw("GET", `/v1/charges/${b.latest_charge}/refunds/${ra.id}`);
    assert.equal(one.status, 404, "a refund of another charge");

    await assert.rejects(stripe.refunds.cancel(ra.id), stripeError(400, {}));
    assert.equal((await stripe.refunds.retrieve(ra.id)).status, "succeeded");
  });

  test("refunds of pm_card_pendingRefund stay pending, then succeed; those of pm_card_refundFail succeed, then fail", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const pending = await stripe.refunds.create({ payment_intent: (await paid(stripe, 1000, "pm_card_pendingRefund")).id });
    assert.deepEqual([pending.status, pending.pending_reason], ["pending", "processing"]);
    const failing = await paid(stripe, 1000, "pm_card_refundFail");
    const willFail = await stripe.refunds.create({ payment_intent: failing.id });
    assert.equal(willFail.status, "succeeded");
    assert.equal((await stripe.charges.retrieve(failing.latest_charge as string)).amount_refunded, 1000);

    clock.advance(DELAYED_REFUND_MS - 1);
    await tick();
    assert.equal((await stripe.refunds.retrieve(pending.id)).status, "pending", "not yet");
    clock.advance(1);
    await until(async () => (await stripe.refunds.retrieve(pending.id)).status === "succeeded" && (await stripe.refunds.retrieve(willFail.id)).status === "failed");
    const failed = await stripe.refunds.retrieve(willFail.id);
    assert.equal(failed.failure_reason, "expired_or_canceled_card");
    const charge = await stripe.charges.retrieve(failing.latest_charge as string, { expand: ["refunds"] });
    assert.deepEqual([charge.amount_refunded, charge.refunded, charge.refunds?.data[0]?.status], [0, false, "failed"]);
    const types = (await eventTypes(stripe)).filter((t) => t.startsWith("refund.") || t.startsWith("charge.refund."));
    // A card refund's change is also a charge.refund.updated, with the same previous_attributes.
    assert.deepEqual(types, ["refund.created", "refund.created", "refund.updated", "charge.refund.updated", "refund.failed", "charge.refund.updated"]);
    const updated = (await stripe.events.list({ type: "refund.updated" })).data[0]!;
    assert.equal(updated.request?.id, null, "automatic changes have no request");
    const beside = (await stripe.events.list({ type: "charge.refund.updated" })).data.reverse();
    assert.deepEqual(beside.map((e) => [(e.data.object as Stripe.Refund).id, (e.data.object as Stripe.Refund).status, e.data.previous_attributes]), [
      [pending.id, "succeeded", updated.data.previous_attributes],
      [willFail.id, "failed", { failure_balance_transaction: null, failure_reason: null, status: "succeeded" }],
    ]);
  });

  test("before 2024-10-28.acacia a card refund sends no refund.* events: its changes are charge.refund.updated only", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock, apiVersion: "2024-06-20" });
    const stripe = s.stripe();
    const pending = await stripe.refunds.create({ payment_intent: (await paid(stripe, 1000, "pm_card_pendingRefund")).id });
    await stripe.refunds.update(pending.id, { metadata: { order: "7" } });
    clock.advance(DELAYED_REFUND_MS);
    await until(async () => (await stripe.refunds.retrieve(pending.id)).status === "succeeded");
    const types = (await eventTypes(stripe)).filter((t) => t.includes("refund"));
    assert.deepEqual(types, ["charge.refunded", "charge.refund.updated", "charge.refund.updated"]);
  });
});
