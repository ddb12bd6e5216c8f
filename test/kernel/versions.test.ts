/**
 * The version table's mechanism: changes newer than a version are undone on
 * every object of an answer by its `object` name, newest first, parents before
 * their fields; behaviour defaults, removed endpoints and older parameters
 * follow the same rows.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RenderEnv, VersionChange } from "../../src/kernel/versions/change.js";
import { VERSION_CHANGES } from "../../src/kernel/versions/changes.js";
import { buildVersionView, versionView } from "../../src/kernel/versions/view.js";
import { renderValue } from "../../src/kernel/versions/render.js";
import { isApiVersion, isBefore } from "../../src/kernel/version.js";
import { ResourceRegistry } from "../../src/kernel/registry.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";

const env: RenderEnv = {
  related: async () => [],
  get: async () => undefined,
  include: async () => undefined,
  link: async () => undefined,
};

const TABLE: VersionChange[] = [
  { version: "2020-01-01", kind: "shape", object: "thing", source: "t", down: (o) => ({ ...o, trail: [...(o.trail as string[]), "2020"] }) },
  { version: "2021-01-01", kind: "shape", object: "thing", source: "t", down: (o) => ({ ...o, trail: [...(o.trail as string[]), "2021"], renamed: o.name }) },
  // A parent's change reads its child before the child's own change runs.
  { version: "2021-01-01", kind: "shape", object: "box", source: "t", down: (o) => ({ ...o, seen: (o.inner as { name: string }).name }) },
  { version: "2021-01-01", kind: "shape", object: "part", source: "t", down: ({ name: _n, ...rest }) => rest },
  { version: "2021-01-01", kind: "feature", feature: "automatic_payment_methods_by_default", source: "t" },
  { version: "2021-01-01", kind: "endpoints", removed: ["GET /v1/things/old"], source: "t" },
];

describe("API versions: the mechanism", { timeout: 60_000 }, () => {
  test("changes newer than the version are undone newest first, on nested objects and list items by object name", async () => {
    const body = {
      object: "list",
      data: [
        { object: "thing", name: "a", trail: [] },
        { object: "box", inner: { object: "part", name: "p" }, things: [{ object: "thing", name: "b", trail: [] }] },
      ],
    };
    const oldest = (await renderValue(body, buildVersionView("2019-06-01", TABLE), env)) as typeof body & { data: Record<string, unknown>[] };
    assert.deepEqual(oldest.data[0], { object: "thing", name: "a", renamed: "a", trail: ["2021", "2020"] });
    assert.deepEqual(oldest.data[1], { object: "box", inner: { object: "part" }, seen: "p", things: [{ object: "thing", name: "b", renamed: "b", trail: ["2021", "2020"] }] });
    const middle = (await renderValue(body, buildVersionView("2020-06-01", TABLE), env)) as typeof body & { data: Record<string, unknown>[] };
    assert.deepEqual(middle.data[0], { object: "thing", name: "a", renamed: "a", trail: ["2021"] });
    const newest = buildVersionView("2021-01-01", TABLE);
    assert.equal(newest.current, true);
    assert.equal(await renderValue(body.data[0], newest, env), body.data[0], "nothing to undo: the same object");
  });

  test("behaviour defaults are on from their version; removed endpoints are gone from theirs, kept before", () => {
    assert.equal(buildVersionView("2020-12-31", TABLE).features.automatic_payment_methods_by_default, false);
    assert.equal(buildVersionView("2021-01-01", TABLE).features.automatic_payment_methods_by_default, true);
    assert.equal(buildVersionView("2020-12-31", TABLE).removes("GET", "/v1/things/old"), false);
    assert.equal(buildVersionView("2021-01-01.basil", TABLE).removes("GET", "/v1/things/old"), true);
  });

  test("the real table: in version order, each row sourced, each version real, each object one the server answers", () => {
    const objects = new Set(new ResourceRegistry(RESOURCE_MODULES).all().map((r) => r.object));
    // Objects embedded in others, never stored on their own.
    objects.add("line_item").add("subscription_item").add("credit_note_line_item");
    for (let i = 0; i < VERSION_CHANGES.length; i++) {
      const c = VERSION_CHANGES[i]!;
      assert.ok(isApiVersion(c.version), c.version);
      assert.ok(c.source.length > 10, `${c.version} ${c.kind}: a source`);
      if (i > 0) assert.ok(!isBefore(c.version, VERSION_CHANGES[i - 1]!.version), `${c.version} after ${VERSION_CHANGES[i - 1]!.version}`);
      if (c.kind === "shape") assert.ok(objects.has(c.object), c.object);
    }
    assert.equal(versionView().current, true, "the default version is the core's");
    assert.deepEqual(versionView("2023-08-15").features, { automatic_payment_methods_by_default: false, forever_amount_off_coupons_refused: false, refund_events_for_charge_refunds: false });
    assert.deepEqual(versionView("2024-09-30.acacia").features, { automatic_payment_methods_by_default: true, forever_amount_off_coupons_refused: false, refund_events_for_charge_refunds: false });
    assert.deepEqual(versionView("2024-10-28.acacia").features, { automatic_payment_methods_by_default: true, forever_amount_off_coupons_refused: false, refund_events_for_charge_refunds: true });
    assert.deepEqual(versionView("2025-02-24.acacia").features, { automatic_payment_methods_by_default: true, forever_amount_off_coupons_refused: false, refund_events_for_charge_refunds: true });
    assert.deepEqual(versionView("2025-03-31.basil").features, { automatic_payment_methods_by_default: true, forever_amount_off_coupons_refused: true, refund_events_for_charge_refunds: true });
  });
});
