import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Stripe, Wire } from "../../src/stripe/types.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";
import { defineResource } from "../../src/kernel/define.js";
import { parseShape, p } from "../../src/kernel/params/param.js";
import { override } from "../../src/kernel/params/stripe-shapes.js";
import type { Endpoint } from "../../src/kernel/endpoint.js";

type TaxRate = Wire<Stripe.TaxRate>;

/** The error body parsing `raw` against an endpoint's shape answers with. */
function refusal(ep: Endpoint, raw: Record<string, unknown>): { param?: string; code?: string; message: string } | undefined {
  try {
    parseShape(ep.params, raw, "");
    return undefined;
  } catch (e) {
    return (e as { body: { param?: string; code?: string; message: string } }).body;
  }
}

const endpointOf = (endpoints: readonly Endpoint[], method: string, path: string): Endpoint => {
  const ep = endpoints.find((e) => e.method === method && e.path === path);
  assert.ok(ep, `${method} ${path}`);
  return ep;
};

describe("defineResource", { timeout: 60_000 }, () => {
  test("every served endpoint's parameter shape compiles (none fails on its first request)", () => {
    let count = 0;
    for (const m of RESOURCE_MODULES) {
      for (const ep of m.endpoints) {
        assert.equal(typeof ep.params, "object", `${ep.method} ${ep.path}`);
        count++;
      }
    }
    assert.ok(count > 50, `${count} endpoints`);
  });

  test("a parameter Stripe has and the declaration leaves out is refused with one message naming it; one Stripe lacks stays unknown", () => {
    const def = defineResource<TaxRate, Stripe.TaxRateCreateParams>({
      object: "tax_rate",
      idPrefix: "txr",
      path: "/v1/tax_rates",
      create: { params: { display_name: true, inclusive: true, percentage: true } },
    });
    const create = endpointOf(def.module.endpoints, "POST", "/v1/tax_rates");
    const base = { display_name: "VAT", inclusive: "false", percentage: "20" };
    assert.equal(refusal(create, base), undefined, "positive control");
    for (const name of ["country", "jurisdiction", "tax_type", "metadata"]) {
      assert.deepEqual(refusal(create, { ...base, [name]: "x" }), {
        type: "invalid_request_error",
        param: name,
        message: `paper-tiger does not implement the parameter ${name} yet (Stripe accepts it). Leave it out of the request.`,
      });
    }
    // Even "" (an unset) is refused: it would otherwise be silently accepted.
    assert.equal(refusal(create, { ...base, country: "" })?.param, "country");
    assert.equal(refusal(create, { ...base, colour: "red" })?.code, "parameter_unknown");
    assert.equal(refusal(create, { inclusive: "false", percentage: "20" })?.code, "parameter_missing", "Stripe's required parameters stay required");
  });

  test("nested selections refuse the nested parameters left out, with their bracket path", () => {
    const def = defineResource<Wire<Stripe.ShippingRate>, Stripe.ShippingRateCreateParams>({
      object: "shipping_rate",
      idPrefix: "shr",
      path: "/v1/shipping_rates",
      create: { params: { display_name: true, fixed_amount: { amount: true, currency: true } } },
    });
    const create = endpointOf(def.module.endpoints, "POST", "/v1/shipping_rates");
    const fixed = { amount: "5", currency: "usd" };
    assert.equal(refusal(create, { display_name: "G", fixed_amount: fixed }), undefined);
    assert.equal(refusal(create, { display_name: "G", fixed_amount: { ...fixed, currency_options: { eur: { amount: "4" } } } })?.message,
      "paper-tiger does not implement the parameter fixed_amount[currency_options] yet (Stripe accepts it). Leave it out of the request.");
    assert.equal(refusal(create, { display_name: "G", delivery_estimate: {} })?.param, "delivery_estimate");
  });

  test("override replaces Stripe's parser, keeps Stripe's required-ness, and must say why", () => {
    const def = defineResource<TaxRate, Stripe.TaxRateCreateParams>({
      object: "tax_rate",
      idPrefix: "txr",
      path: "/v1/tax_rates",
      create: { params: { display_name: true, inclusive: true, percentage: override(p.number({ min: 0, max: 10 }), "a test bound") } },
    });
    const create = endpointOf(def.module.endpoints, "POST", "/v1/tax_rates");
    assert.equal(refusal(create, { display_name: "V", inclusive: "true", percentage: "11" })?.message, "Invalid percentage: must be between 0 and 10");
    assert.equal(refusal(create, { display_name: "V", inclusive: "true" })?.code, "parameter_missing");
    assert.throws(() => override(p.string(), " "), /say why/);
  });

  test("shapes compile on first use: a declaration naming a parameter Stripe lacks fails there, not at import", () => {
    const def = defineResource<TaxRate, { not_a_param?: string }>({
      object: "tax_rate",
      idPrefix: "txr",
      path: "/v1/tax_rates",
      create: { params: { not_a_param: true } },
    });
    const create = endpointOf(def.module.endpoints, "POST", "/v1/tax_rates");
    assert.throws(() => create.params, /Stripe has no parameter not_a_param/);
    assert.throws(
      () => defineResource<TaxRate>({ object: "tax_rate", idPrefix: "txr", path: "/v1/tax_ratez", create: { params: {} } }).module.endpoints[0]!.params,
      /Stripe has no operation POST \/v1\/tax_ratez/,
    );
  });

  test("a selection is typed by the SDK's parameter type", () => {
    defineResource<TaxRate, Stripe.TaxRateCreateParams>({
      object: "tax_rate",
      idPrefix: "txr",
      path: "/v1/tax_rates",
      // @ts-expect-error -- a misspelt parameter does not compile
      create: { params: { display_nam: true } },
    });
  });
});
