/**
 * Every hand-written parameter shape of every implemented endpoint, run side
 * by side with the shape generated from Stripe's descriptions on the same
 * probe values (test/helpers/shape-probes.ts). Where they disagree is listed
 * in stripe-shape-differences.txt beside this file: the list the resource
 * redesign works from (each line is a hand-written departure from Stripe or
 * a generator fault). The test fails when the list changes, so a change to a
 * resource's parameters or to the generator shows up as a reviewed diff:
 *
 *   UPDATE_SHAPE_DIFFERENCES=1 node --import tsx --test test/resources/shapes-vs-stripe.test.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { RESOURCE_MODULES } from "../../src/resources/index.js";
import { p } from "../../src/kernel/params/param.js";
import { operationAt } from "../../src/stripe/spec/operations.js";
import { operationParams } from "../../src/stripe/spec/operation-params.js";
import { compareShapes } from "../helpers/shape-probes.js";

const LIST = new URL("./stripe-shape-differences.txt", import.meta.url);
const HEADER = [
  "# Hand-written parameter shapes against Stripe's (generated from its descriptions), per implemented endpoint:",
  "# operation<TAB>parameter<TAB>how the hand-written one departs. Written by test/resources/shapes-vs-stripe.test.ts;",
  "# parameters the hand-written shapes do not model are not listed (they are refused today).",
];

test("hand-written shapes against Stripe's: the differences are the listed ones", { timeout: 120_000 }, () => {
  const lines: string[] = [];
  let endpoints = 0;
  for (const module of RESOURCE_MODULES) {
    for (const ep of module.endpoints) {
      const op = operationAt(ep.method, ep.path.replace(/:\w+/g, "x"));
      if (!op) {
        lines.push(`${ep.method} ${ep.path}\t-\tStripe has no such operation`);
        continue;
      }
      endpoints++;
      for (const d of compareShapes(ep.params, operationParams(op.key)!).differences) lines.push(`${op.key}\t${d.param}\t${d.detail}`);
    }
  }
  assert.ok(endpoints > 80, `${endpoints} endpoints compared`);
  const text = `${[...HEADER, ...[...new Set(lines)].sort()].join("\n")}\n`;
  if (process.env.UPDATE_SHAPE_DIFFERENCES) writeFileSync(LIST, text);
  assert.equal(
    readFileSync(LIST, "utf8"),
    text,
    "the differences between hand-written and Stripe's shapes changed: review them and rerun with UPDATE_SHAPE_DIFFERENCES=1 to update the list",
  );
});

test("the comparison sees each kind of departure", { timeout: 120_000 }, () => {
  const shape = {
    email: p.string(),
    phone: p.string({ max: 10 }),
    tax_exempt: p.enum(["none"]),
    balance: p.string(),
    colour: p.string(),
    name: p.string({ max: 256 }).required(),
    description: p.string({ max: 5000 }).emptiable(),
    invoice_prefix: p.string({ max: 5000 }),
    address: p.object({ city: p.string({ max: 5000 }) }).emptiable(),
  };
  const { differences, notModelled } = compareShapes(shape, operationParams("POST /v1/customers")!);
  assert.deepEqual(
    differences.map((d) => `${d.param}: ${d.detail}`),
    [
      "email: no length limit (Stripe: at most 512)",
      "phone: at most 10 characters (Stripe: 20)",
      "tax_exempt: refuses \"\" (emptiable in Stripe's descriptions)",
      "tax_exempt: refuses exempt (in Stripe's enum)",
      "tax_exempt: refuses reverse (in Stripe's enum)",
      "balance: takes 1.5 (Stripe refuses it)",
      "balance: takes abc (Stripe refuses it)",
      "colour: Stripe has no such parameter",
      "name: required here, optional in Stripe",
      "description: takes \"\" (not emptiable in Stripe's descriptions)",
    ],
  );
  // The address's other fields and every parameter left out are not modelled, not different.
  assert.ok(notModelled > 15, String(notModelled));
});
