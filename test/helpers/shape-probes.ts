/**
 * Compares a hand-written parameter shape with the one generated from
 * Stripe's descriptions by running both on the same probe values: for each
 * parameter, values Stripe accepts (every enum value, a string of exactly the
 * maximum length, an integer, `""` where Stripe allows it, each nested field)
 * and values it refuses (one character too long, a fraction for an integer,
 * a value outside the enum, `""` where it does not allow it). A parameter or
 * nested field the hand-written shape does not model is "not modelled", not a
 * difference; a value one side accepts and the other refuses is.
 */
import type { Shape } from "../../src/kernel/params/param.js";
import { compile } from "../../src/kernel/params/stripe-shapes.js";
import { resolveNode } from "../../src/stripe/spec/operation-params.js";
import type { ObjectNode, ParamNode } from "../../src/stripe/spec/nodes.js";
import { StripeError } from "../../src/kernel/errors/index.js";

/** One way a hand-written parameter departs from Stripe's. */
export interface Difference {
  readonly param: string;
  readonly detail: string;
}

type Outcome = { ok: true } | { ok: false; code: string | undefined; message: string };

function outcome(fn: () => unknown): Outcome {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return { ok: false, code: err.body.code, message: err.body.message };
  }
}

/** Refusals that only say "not modelled here": an unknown nested key, or a parameter refused as not implemented. */
const notModelled = (o: Outcome): boolean =>
  !o.ok && (o.code === "parameter_unknown" || /^paper-tiger does not (support|implement)/.test(o.message));

/** A value Stripe accepts for a node. */
function sample(node: ParamNode, depth = 0): unknown {
  const n = resolveNode(node);
  switch (n.t) {
    case "s":
      // Digits: a string Stripe accepts that a hand-written id, string or integer also reads.
      return n.max !== undefined && n.max < 2 ? "1" : "12";
    case "i":
      return "12";
    case "n":
    case "d":
      return "1.5";
    case "b":
      return "true";
    case "ts":
      return "1700000000";
    case "e":
      return n.v[0];
    case "o":
      return depth > 4 ? {} : Object.fromEntries((n.r ?? []).map((f) => [f, sample(n.f[f]!, depth + 1)]));
    case "a":
      return [sample(n.i, depth + 1)];
    case "m":
      return { k: sample(n.v, depth + 1) };
    case "meta":
      return { k: "v" };
    case "range":
      return "5";
    case "u":
      return sample(n.of[0]!, depth);
    case "any":
      return "x";
  }
}

/** One probe: a value at a nested path of the parameter, and what it tests. */
interface Probe {
  /** Bracket path below the parameter (`[address][city]`), `""` for the parameter itself. */
  readonly at: string;
  readonly what: "empty" | "valid" | "max" | "over" | "enum" | "off-enum" | "kind";
  readonly label: string;
  readonly value: unknown;
}

const probe = (what: Probe["what"], label: string, value: unknown): Probe => ({ at: "", what, label, value });

/** Probe values for a node; `nested` bounds how deep hashes are walked. */
function probes(node: ParamNode, nested: number): Probe[] {
  const n = resolveNode(node);
  const out: Probe[] = [probe("empty", '""', "")];
  switch (n.t) {
    case "s":
      out.push(probe("valid", "a string", "abc"));
      if (n.max !== undefined && n.max <= 5000) out.push(probe("max", String(n.max), "x".repeat(n.max)), probe("over", String(n.max), "x".repeat(n.max + 1)));
      out.push(probe("kind", "a hash", { a: "1" }));
      break;
    case "i":
      // No negative probe: minimums are checked by Stripe at run time, the descriptions do not carry them.
      out.push(probe("valid", "12", "12"), probe("kind", "1.5", "1.5"), probe("kind", "abc", "abc"));
      break;
    case "n":
    case "d":
      out.push(probe("valid", "1.5", "1.5"), probe("valid", "12", "12"), probe("kind", "abc", "abc"));
      break;
    case "b":
      out.push(probe("valid", "true", "true"), probe("valid", "false", "false"), probe("kind", "yes", "yes"));
      break;
    case "ts":
      out.push(probe("valid", "1700000000", "1700000000"), probe("kind", "abc", "abc"));
      break;
    case "e":
      for (const v of n.v) out.push(probe("enum", v, v));
      out.push(probe("off-enum", "__not_a_value__", "__not_a_value__"));
      break;
    case "o":
      out.push(probe("kind", "a string", "abc"), probe("valid", "its required fields", sample(n)));
      if (nested > 0) {
        const base = sample(n) as Record<string, unknown>;
        for (const [f, child] of Object.entries(n.f)) {
          for (const p of probes(child, nested - 1)) out.push({ ...p, at: `[${f}]${p.at}`, value: { ...base, [f]: p.value } });
        }
      }
      break;
    case "a":
      out.push(probe("valid", "[]", []));
      for (const p of probes(n.i, nested)) if (p.what !== "empty") out.push({ ...p, at: `[]${p.at}`, value: [p.value] });
      break;
    case "m":
      out.push(probe("valid", "a hash", { k: sample(n.v) }), probe("kind", "a string", "abc"));
      break;
    case "meta":
      out.push(probe("valid", "a hash", { k: "v" }), probe("valid", "an unset key", { k: "" }));
      break;
    case "range":
      out.push(probe("valid", "5", "5"), probe("valid", "[gt]", { gt: "1" }), probe("kind", "[other]", { other: "1" }));
      break;
    case "u":
      for (const form of n.of) for (const p of probes(form, nested)) if (p.what !== "empty") out.push(p);
      break;
    case "any":
      break;
  }
  return out;
}

/** What one probe shows, in a few words. */
function describe(p: Probe, mine: Outcome): string {
  const at = p.at ? `${p.at} ` : "";
  const refused = mine.ok ? "" : mine.message;
  switch (p.what) {
    case "empty":
      // Stripe's descriptions mark few plain strings emptiable although Stripe unsets many with "" (stripe-node#1834).
      return mine.ok ? `${at}takes "" (not emptiable in Stripe's descriptions)` : `${at}refuses "" (emptiable in Stripe's descriptions)`;
    case "max": {
      const limit = /at most (\d+) characters/.exec(refused)?.[1];
      if (limit) return `${at}at most ${limit} characters (Stripe: ${p.label})`;
      return `${at}refuses ${p.label} characters (Stripe takes them): ${refused.slice(0, 60)}`;
    }
    case "over":
      return `${at}no length limit (Stripe: at most ${p.label})`;
    case "enum":
      return `${at}refuses ${p.label} (in Stripe's enum)`;
    case "off-enum":
      return `${at}takes values outside Stripe's enum`;
    default:
      return mine.ok ? `${at}takes ${p.label} (Stripe refuses it)` : `${at}refuses ${p.label} (Stripe takes it): ${refused.slice(0, 60)}`;
  }
}

/** How the hand-written `shape` departs from Stripe's `node` (an operation's parameters); `expand` is the server's. */
export function compareShapes(shape: Shape, node: ObjectNode, nested = 2): { differences: Difference[]; notModelled: number } {
  const differences: Difference[] = [];
  let skipped = 0;
  const required = new Set(node.r ?? []);
  for (const [name, param] of Object.entries(shape)) {
    if (!Object.hasOwn(node.f, name)) {
      differences.push({ param: name, detail: "Stripe has no such parameter" });
      continue;
    }
    const stripeNode = node.f[name]!;
    if (param.isRequired !== required.has(name)) {
      differences.push({ param: name, detail: param.isRequired ? "required here, optional in Stripe" : "optional here, required in Stripe" });
    }
    const stripe = compile(stripeNode);
    const seen = new Set<string>();
    for (const p of probes(stripeNode, nested)) {
      const key = JSON.stringify(p.value);
      if (seen.has(key)) continue;
      seen.add(key);
      const mine = outcome(() => param.parse(p.value, name));
      const theirs = outcome(() => stripe.parse(p.value, name));
      if (mine.ok === theirs.ok) continue;
      if (theirs.ok && notModelled(mine)) {
        skipped++;
        continue;
      }
      differences.push({ param: name, detail: describe(p, mine) });
    }
  }
  for (const name of Object.keys(node.f)) if (name !== "expand" && !Object.hasOwn(shape, name)) skipped++;
  return { differences, notModelled: skipped };
}
