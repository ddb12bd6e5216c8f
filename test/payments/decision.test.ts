/**
 * The payment decision on its own: test cards decide, 3-D Secure depends on
 * the session and on set-up, and payment chaos plugs in with its precedence
 * (a forced customer failure, then the card, then the random draw).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock/clock.js";
import { EventRecorder } from "../../src/events/recorder.js";
import { createContext, type Context } from "../../src/kernel/context.js";
import { ResourceRegistry } from "../../src/kernel/registry.js";
import type { Relate } from "../../src/kernel/relations.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { attachDecline, chaosCode, decidePayment, decideSetup, paymentChaosPort, type PaymentChaos, type PaymentRequest } from "../../src/payments/decision.js";
import { approvedOutcome, declinedOutcome, radarBlockOutcome } from "../../src/payments/outcomes.js";
import { markSetUp } from "../../src/payments/set-up.js";
import { cardFingerprint, testCardForPaymentMethod } from "../../src/payments/test-cards.js";

/** A chaos stand-in that records what was asked. */
class FakeChaos implements PaymentChaos {
  calls: string[] = [];
  constructor(
    private readonly forcedCode?: string,
    private readonly randomCode?: string,
  ) {}
  forced(ns: string, customer: string): string | undefined {
    this.calls.push(`forced:${ns}:${customer}`);
    return this.forcedCode;
  }
  random(ns: string): string | undefined {
    this.calls.push(`random:${ns}`);
    return this.randomCode;
  }
}

function context(chaos?: PaymentChaos): Context {
  const store = new MemoryStore();
  const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
  const events = new EventRecorder(store, clock, "2026-10-28.endive");
  const server = { name: "server", endpoints: [], relate: (r: Relate) => void (chaos && r.provide(paymentChaosPort, chaos)) };
  const relations = new ResourceRegistry([server]).relations;
  return createContext({ store, clock, realClock: clock, events, apiVersion: "2026-10-28.endive", relations }, "ns1", null, null);
}

function request(shortcut: string, extra: Partial<PaymentRequest> = {}): PaymentRequest {
  const card = testCardForPaymentMethod(shortcut);
  assert.ok(card, shortcut);
  return { customer: "cus_1", paymentMethod: "pm_1", card: { fingerprint: cardFingerprint(card.number) }, amount: 1000, currency: "usd", offSession: false, ...extra };
}

describe("payment decision", { timeout: 120_000 }, () => {
  test("successful cards succeed with an authorized outcome", async () => {
    const ctx = context();
    assert.deepEqual(await decidePayment(ctx, request("pm_card_visa")), { kind: "succeed", outcome: approvedOutcome() });
    const elevated = await decidePayment(ctx, request("pm_card_riskLevelElevated"));
    assert.equal(elevated.kind === "succeed" && elevated.outcome.risk_level, "elevated");
    // A card the table does not know pays.
    assert.equal((await decidePayment(ctx, { ...request("pm_card_visa"), card: { fingerprint: "unknownfingerpr" } })).kind, "succeed");
  });

  test("declining cards decline with their code and issuer outcome", async () => {
    const ctx = context();
    const d = await decidePayment(ctx, request("pm_card_visa_chargeDeclinedInsufficientFunds"));
    assert.equal(d.kind, "decline");
    if (d.kind !== "decline") return;
    assert.equal(d.decline_code, "insufficient_funds");
    assert.equal(d.decline.message, "Your card has insufficient funds.");
    assert.equal(d.source, "card");
    assert.equal(d.blocked, false);
    assert.deepEqual(d.outcome, {
      advice_code: "try_again_later",
      network_advice_code: null,
      network_decline_code: null,
      network_status: "declined_by_network",
      reason: "insufficient_funds",
      risk_level: "normal",
      seller_message: "The bank returned the decline code `insufficient_funds`.",
      type: "issuer_declined",
    });
    const customerFail = await decidePayment(ctx, request("pm_card_chargeCustomerFail"));
    assert.equal(customerFail.kind === "decline" && customerFail.decline_code, "generic_decline");
  });

  test("Radar blocks are fraudulent declines that never reach the network", async () => {
    for (const shortcut of ["pm_card_radarBlock", "pm_card_chargeDeclinedFraudulent", "pm_card_riskLevelHighest"]) {
      const d = await decidePayment(context(), request(shortcut));
      assert.equal(d.kind, "decline", shortcut);
      if (d.kind !== "decline") continue;
      assert.equal(d.decline_code, "fraudulent");
      assert.equal(d.blocked, true);
      assert.deepEqual(d.outcome, radarBlockOutcome());
      assert.equal(d.outcome.network_status, "not_sent_to_network");
      assert.equal(d.outcome.seller_message, "Stripe blocked this payment as too risky.");
    }
  });

  test("3-D Secure cards ask on session, fail off session, and after the challenge do what the card says", async () => {
    const ctx = context();
    assert.deepEqual(await decidePayment(ctx, request("pm_card_authenticationRequired")), { kind: "requires_action" });
    const off = await decidePayment(ctx, request("pm_card_authenticationRequired", { offSession: true }));
    assert.equal(off.kind === "decline" && off.decline_code, "authentication_required");
    assert.equal((await decidePayment(ctx, request("pm_card_authenticationRequired", { authenticated: true }))).kind, "succeed");
    const declinedAfter = await decidePayment(ctx, request("pm_card_threeDSecureRequiredChargeDeclined", { authenticated: true }));
    assert.equal(declinedAfter.kind === "decline" && declinedAfter.decline_code, "generic_decline");
    const errorAfter = await decidePayment(ctx, request("pm_card_threeDSecureRequiredProcessingError", { authenticated: true }));
    assert.equal(errorAfter.kind === "decline" && errorAfter.decline_code, "processing_error");
    assert.equal((await decidePayment(ctx, request("pm_card_threeDSecureOptional"))).kind, "succeed");
    assert.equal((await decidePayment(ctx, request("pm_card_authenticationRequiredSetupForOffSession", { offSession: true }))).kind, "succeed");
  });

  test("'authenticate unless set up' stops asking once the card was set up; 'always' never does", async () => {
    const ctx = context();
    const onSetup = request("pm_card_authenticationRequiredOnSetup", { paymentMethod: "pm_saved" });
    assert.equal((await decidePayment(ctx, onSetup)).kind, "requires_action");
    const offBefore = await decidePayment(ctx, { ...onSetup, offSession: true });
    assert.equal(offBefore.kind === "decline" && offBefore.decline_code, "authentication_required");
    await markSetUp(ctx, "pm_saved");
    assert.equal((await decidePayment(ctx, onSetup)).kind, "succeed");
    assert.equal((await decidePayment(ctx, { ...onSetup, offSession: true })).kind, "succeed");
    // Another PaymentMethod of the same card is not set up.
    assert.equal((await decidePayment(ctx, { ...onSetup, paymentMethod: "pm_other" })).kind, "requires_action");

    await markSetUp(ctx, "pm_always");
    const always = await decidePayment(ctx, request("pm_card_authenticationRequired", { paymentMethod: "pm_always", offSession: true }));
    assert.equal(always.kind === "decline" && always.decline_code, "authentication_required");
  });

  test("a requested challenge applies on session to any card until authenticated", async () => {
    const ctx = context();
    assert.equal((await decidePayment(ctx, request("pm_card_visa", { requestThreeDSecure: true }))).kind, "requires_action");
    assert.equal((await decidePayment(ctx, request("pm_card_visa", { requestThreeDSecure: true, authenticated: true }))).kind, "succeed");
    assert.equal((await decidePayment(ctx, request("pm_card_visa", { requestThreeDSecure: true, offSession: true }))).kind, "succeed");
  });

  test("chaos: a forced failure wins over the card", async () => {
    const chaos = new FakeChaos("insufficient_funds", "processing_error");
    const d = await decidePayment(context(chaos), request("pm_card_authenticationRequired"));
    assert.equal(d.kind === "decline" && d.decline_code, "insufficient_funds");
    assert.equal(d.kind === "decline" && d.source, "chaos_forced");
    assert.deepEqual(chaos.calls, ["forced:ns1:cus_1"], "no random draw once forced");
  });

  test("chaos: the card's own decline or challenge wins over the random draw, which is not consumed", async () => {
    const chaos = new FakeChaos(undefined, "processing_error");
    const ctx = context(chaos);
    const d = await decidePayment(ctx, request("pm_card_visa_chargeDeclinedLostCard"));
    assert.equal(d.kind === "decline" && d.decline_code, "lost_card");
    assert.equal((await decidePayment(ctx, request("pm_card_threeDSecure2Required"))).kind, "requires_action");
    assert.deepEqual(chaos.calls, ["forced:ns1:cus_1", "forced:ns1:cus_1"]);
  });

  test("chaos: the random draw fails cards that would pay, and is not asked about customers when there are none", async () => {
    const chaos = new FakeChaos(undefined, "card_declined");
    const d = await decidePayment(context(chaos), request("pm_card_visa", { customer: null }));
    assert.equal(d.kind, "decline");
    if (d.kind !== "decline") return;
    assert.equal(d.decline_code, "generic_decline", "card_declined is Stripe's generic decline");
    assert.equal(d.source, "chaos_random");
    assert.equal(d.outcome.seller_message, "The bank did not return any further details with this decline.");
    assert.deepEqual(chaos.calls, ["random:ns1"]);
    const quiet = new FakeChaos();
    assert.equal((await decidePayment(context(quiet), request("pm_card_visa"))).kind, "succeed");
    assert.deepEqual(quiet.calls, ["forced:ns1:cus_1", "random:ns1"]);
  });

  test("chaos codes map to decline codes", () => {
    assert.equal(chaosCode("card_declined"), "generic_decline");
    assert.equal(chaosCode("expired_card"), "expired_card");
    assert.equal(chaosCode("do_not_honor"), "do_not_honor");
    assert.equal(chaosCode("restricted_card"), "restricted_card", "any documented decline code");
    assert.equal(chaosCode("made_up"), "generic_decline");
  });

  test("outcomes follow the reference table", () => {
    assert.equal(declinedOutcome("generic_decline").seller_message, "The bank did not return any further details with this decline.");
    assert.equal(declinedOutcome("lost_card").advice_code, "do_not_try_again");
    assert.equal(declinedOutcome("expired_card").advice_code, "confirm_card_data");
    assert.equal(declinedOutcome("fraudulent").advice_code, null);
    const blacklist = declinedOutcome("merchant_blacklist");
    assert.deepEqual([blacklist.type, blacklist.network_status, blacklist.reason], ["blocked", "not_sent_to_network", "merchant_blacklist"]);
    assert.deepEqual([approvedOutcome().seller_message, approvedOutcome().type], ["Payment complete.", "authorized"]);
  });

  test("set-up: issuer declines refuse, 3-D Secure cards ask, others (even charge-failing ones) succeed", () => {
    const fp = (pm: string) => ({ fingerprint: cardFingerprint(testCardForPaymentMethod(pm)!.number) });
    assert.deepEqual(decideSetup(fp("pm_card_visa")), { kind: "succeed" });
    assert.deepEqual(decideSetup(fp("pm_card_chargeCustomerFail")), { kind: "succeed" });
    assert.deepEqual(decideSetup(fp("pm_card_radarBlock")), { kind: "succeed" });
    assert.equal(decideSetup(fp("pm_card_visa_chargeDeclined")).kind, "decline");
    assert.equal(decideSetup(fp("pm_card_authenticationRequiredOnSetup")).kind, "requires_action");
    assert.equal(decideSetup(fp("pm_card_authenticationRequiredOnSetup"), { authenticated: true }).kind, "succeed");
    assert.equal(attachDecline(fp("pm_card_chargeDeclinedExpiredCard")), "expired_card");
    assert.equal(attachDecline(fp("pm_card_chargeCustomerFail")), undefined);
    assert.equal(attachDecline(fp("pm_card_visa")), undefined);
  });
});
