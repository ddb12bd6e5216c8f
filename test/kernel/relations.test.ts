/**
 * The relations between resource modules, on their own: hooks, ports and
 * includes are declared and supplied in `relate(r)` while a registry is
 * built, in the order of its modules; the registry checks them before it is
 * returned (a port nobody provides, or provided twice, stops it), and each
 * registry holds its own.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { hook, optionalPort, port } from "../../src/kernel/relation-keys.js";
import { ResourceRegistry, type ResourceModule } from "../../src/kernel/registry.js";
import type { Relate } from "../../src/kernel/relations.js";
import { Resource, type StripeObject } from "../../src/kernel/resource.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";

const moved = hook<[what: string, log: string[]]>("lower.moved");
const answer = port<(n: number) => number>("lower.answer");
const maybe = optionalPort<() => string>("lower.maybe");

/** A module with no resources and no endpoints that only relates. */
const relating = (name: string, relate: (r: Relate) => void): ResourceModule => ({ name, endpoints: [], relate });

const lower = relating("lower", (r) => r.declare(moved, answer));
const answering = relating("answering", (r) => r.provide(answer, (n) => n * 2));

describe("relations", { timeout: 30_000 }, () => {
  test("listeners of a hook run one after another in the order of the modules, whatever the order of their work", async () => {
    const follow = (name: string, ms: number) =>
      relating(name, (r) =>
        r.on(moved, async (what, log) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          log.push(`${name}:${what}`);
        }),
      );
    const registry = new ResourceRegistry([lower, answering, follow("first", 20), follow("second", 0), follow("third", 5)]);
    const log: string[] = [];
    await registry.relations.emit(moved, "x", log);
    assert.deepEqual(log, ["first:x", "second:x", "third:x"]);
    // A hook nobody follows resolves and does nothing.
    const quiet = new ResourceRegistry([lower, answering]);
    await quiet.relations.emit(moved, "y", log);
    assert.equal(log.length, 3);
  });

  test("a port answers what its provider gives; an optional port nobody provides answers undefined", () => {
    const registry = new ResourceRegistry([lower, answering]);
    assert.equal(registry.relations.port(answer)(21), 42);
    assert.equal(registry.relations.port(maybe), undefined);
    const provided = new ResourceRegistry([lower, answering, relating("maybe", (r) => r.provide(maybe, () => "here"))]);
    assert.equal(provided.relations.port(maybe)?.(), "here");
  });

  test("a required port nobody provides stops the registry, naming the port and who declared it", () => {
    assert.throws(() => new ResourceRegistry([lower]), {
      message: "No module provides the port lower.answer (declared by lower): the server cannot start without it",
    });
    const more = port<() => void>("lower.more");
    assert.throws(() => new ResourceRegistry([relating("lower", (r) => r.declare(answer, more))]), {
      message: "No module provides the ports lower.answer (declared by lower), lower.more (declared by lower): the server cannot start without them",
    });
  });

  test("a port provided twice stops the registry, naming both providers", () => {
    const again = relating("again", (r) => r.provide(answer, (n) => n));
    assert.throws(() => new ResourceRegistry([lower, answering, again]), { message: "The port lower.answer is provided twice, by answering and by again" });
    // Optional ports too.
    const once = relating("once", (r) => r.provide(maybe, () => "a"));
    const twice = relating("twice", (r) => r.provide(maybe, () => "b"));
    assert.throws(() => new ResourceRegistry([lower, answering, once, twice]), { message: "The port lower.maybe is provided twice, by once and by twice" });
  });

  test("the order is the registry's: a module follows or provides only what a module before it declared", () => {
    assert.throws(() => new ResourceRegistry([answering, lower]), {
      message: "Module answering provides port lower.answer, which no module before it declares (modules relate in registry order, the declaring module first)",
    });
    const early = relating("early", (r) => r.on(moved, async () => undefined));
    assert.throws(() => new ResourceRegistry([early, lower, answering]), {
      message: "Module early follows hook lower.moved, which no module before it declares (modules relate in registry order, the declaring module first)",
    });
    // A module may provide what it declares itself (its own per-server state).
    const self = relating("self", (r) => {
      const mine = port<Set<string>>("self.seen");
      r.declare(mine);
      r.provide(mine, new Set());
    });
    assert.doesNotThrow(() => new ResourceRegistry([self]));
  });

  test("keys are named after the module that declares them, and declared once", () => {
    assert.throws(() => new ResourceRegistry([relating("other", (r) => r.declare(answer))]), {
      message: "Module other declares port lower.answer: a module's hooks and ports are named other.<name>",
    });
    assert.throws(() => new ResourceRegistry([relating("lower", (r) => r.declare(moved, moved))]), { message: "The hook lower.moved is declared twice, by lower and by lower" });
  });

  test("nothing relates once the registry is built", () => {
    let kept: Relate | undefined;
    new ResourceRegistry([relating("late", (r) => (kept = r))]);
    assert.throws(() => kept!.declare(hook("late.after")), /^Error: Module late relates \(declare\) after its server's relations were checked/);
    assert.throws(() => kept!.provide(maybe, () => "x"), /relates \(provide\) after/);
  });

  test("each registry holds its own relations: what one module relates in one registry is not in another", async () => {
    const seen: string[] = [];
    const a = new ResourceRegistry([lower, answering, relating("a", (r) => r.on(moved, async (w) => void seen.push(`a:${w}`)))]);
    const b = new ResourceRegistry([lower, relating("b", (r) => r.provide(answer, (n) => n + 1))]);
    await a.relations.emit(moved, "1", []);
    await b.relations.emit(moved, "2", []);
    assert.deepEqual(seen, ["a:1"]);
    assert.equal(a.relations.port(answer)(1), 2);
    assert.equal(b.relations.port(answer)(10), 11);
    assert.equal(a.relations.port(answer)(10), 20);
  });

  test("an include computes an expanded field in its own registry only, keeping the field's declared item type", async () => {
    const things = new Resource<StripeObject>({ object: "thing", idPrefix: "th", includable: { parts: { items: "part", compute: async () => "default" } } });
    const owner: ResourceModule = { name: "things", resources: [things], endpoints: [] };
    const filling = relating("filling", (r) => r.include(things, "parts", async () => "filled"));
    const filled = new ResourceRegistry([owner, filling]);
    const plain = new ResourceRegistry([owner]);
    const ctx = {} as never;
    const obj = { id: "th_1", object: "thing" };
    assert.equal(await filled.includable(things, "parts")!.compute(ctx, obj), "filled");
    assert.equal(filled.includable(things, "parts")!.items, "part");
    assert.equal(await plain.includable(things, "parts")!.compute(ctx, obj), "default");
    assert.equal(filled.includable(things, "nothing"), undefined);
    const twice = relating("twice", (r) => r.include(things, "parts", async () => "again"));
    assert.throws(() => new ResourceRegistry([owner, filling, twice]), { message: "Module twice includes thing.parts, which another module already includes" });
  });

  test("the server's own modules relate completely", () => {
    assert.doesNotThrow(() => new ResourceRegistry(RESOURCE_MODULES));
  });
});
