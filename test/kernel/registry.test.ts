/**
 * The registry of one server: every module listed once by name, in the order
 * RESOURCE_MODULES gives (the order modules register and relate in), and each
 * module's `relate(r)` run once per registry, in that order.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ResourceRegistry, type ResourceModule } from "../../src/kernel/registry.js";
import type { Relate } from "../../src/kernel/relations.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";

describe("resource registry", { timeout: 30_000 }, () => {
  test("every resource module has its own kebab-case name, listed in registration order", () => {
    assert.deepEqual(
      RESOURCE_MODULES.map((m) => m.name),
      [
        "customers",
        "products",
        "prices",
        "events",
        "tokens",
        "sources",
        "cards",
        "payment-methods",
        "mandates",
        "charges",
        "payment-intents",
        "refunds",
        "setup-intents",
        "webhook-endpoints",
        "invoice-items",
        "invoices",
        "subscriptions",
        "subscription-lifecycle",
        "subscription-items",
        "test-clocks",
        "tax-rates",
        "shipping-rates",
        "tax-ids",
        "customer-balance",
        "coupons",
        "promotion-codes",
        "plans",
        "discounts",
        "quotes",
        "subscription-schedules",
        "credit-notes",
        "balance",
        "payouts",
        "disputes",
        "checkout-sessions",
        "payment-links",
        "billing-portal-configurations",
        "billing-portal-sessions",
        "ephemeral-keys",
        "customer-sessions",
        "accounts",
        "transfers",
        "application-fees",
        "account-links",
      ],
    );
  });

  test("relate runs once per module and per registry, in the order of the modules, while the registry is built", () => {
    const calls: Array<[string, Relate, boolean]> = [];
    let registry: ResourceRegistry | undefined;
    const probe = (name: string): ResourceModule => ({
      name,
      endpoints: [],
      relate: (r) => calls.push([name, r, registry === undefined]),
    });
    const modules = [...RESOURCE_MODULES, probe("probe-a"), probe("probe-b")];
    registry = new ResourceRegistry(modules);
    const first = calls.splice(0);
    assert.deepEqual(
      first.map(([name]) => name),
      ["probe-a", "probe-b"],
    );
    // Inside the constructor, before it returns.
    assert.ok(first.every(([, , during]) => during));
    assert.deepEqual(
      first.map(([, r]) => r.module),
      ["probe-a", "probe-b"],
      "each module relates through a view that knows its name",
    );
    registry = undefined;
    new ResourceRegistry(modules);
    assert.deepEqual(
      calls.map(([name]) => name),
      ["probe-a", "probe-b"],
    );
    assert.notEqual(calls[0]![1], first[0]![1], "each registry relates its own modules");
  });

  test("a module listed twice is refused when the registry is built", () => {
    assert.throws(() => new ResourceRegistry([...RESOURCE_MODULES, { name: "customers", endpoints: [] }]), /Resource module customers is listed twice/);
  });
});
