import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Stripe, Wire } from "../../src/stripe/types.js";
import { objectFactory } from "../../src/kernel/skeleton.js";
import { skeletonMismatches } from "../helpers/skeletons.js";

describe("objectFactory", { timeout: 10_000 }, () => {
  const make = objectFactory<Wire<Stripe.ShippingRate>>("shipping_rate");

  test("Stripe's keys in Stripe's order, the given fields over the empty ones", () => {
    const r = make({ id: "shr_1", created: 5, display_name: "Ground" });
    assert.deepEqual(Object.keys(r), ["id", "object", "active", "created", "delivery_estimate", "display_name", "fixed_amount", "livemode", "metadata", "tax_behavior", "tax_code", "type"]);
    assert.equal(r.object, "shipping_rate");
    assert.equal(r.display_name, "Ground");
    assert.deepEqual(r.fixed_amount, { amount: 0, currency: "" });
    assert.deepEqual(skeletonMismatches("shipping_rate", r), []);
  });

  test("objects never share nested parts", () => {
    const a = make({});
    const b = make({});
    a.fixed_amount!.amount = 5;
    (a.metadata as Record<string, string>).k = "v";
    assert.deepEqual(b.fixed_amount, { amount: 0, currency: "" });
    assert.deepEqual(b.metadata, {});
    assert.deepEqual(make({}).fixed_amount, { amount: 0, currency: "" });
  });

  test("an object Stripe does not have is refused at once", () => {
    assert.throws(() => objectFactory("tax_rat"), /Stripe has no object tax_rat/);
  });
});
