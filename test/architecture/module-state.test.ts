/**
 * Per-server state lives on the server (its registry, its services), never in
 * a module, where every server of a process would share it; and nothing is
 * wired at import, where the order of module evaluation would decide what
 * runs first. So, at the top level of a module under `src/`: no `let` or
 * `var`, no `const` bound to an empty Map, Set, WeakMap, WeakSet,
 * AsyncLocalStorage, object or array to be filled at run time, and no
 * statement (assignment or call) run at import. Pure memo caches are allowed
 * with a reason (`ALLOWED_STATE`); what today's code still does is listed
 * in `KNOWN_STATE`, which may only shrink.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readSource, readSrc, type TopLevel } from "./import-graph.js";
import { ALLOWED_STATE, KNOWN_STATE } from "./ratchet.js";
import { ratchetDiff } from "./rules.js";

const key = (s: { file: string; name: string }) => `${s.file} ${s.name}`;
const where = (t: TopLevel) => `src/${t.file}:${t.line} ${t.kind === "statement" ? `runs ${t.name} at import` : `${t.name}${t.init ? ` = ${t.init}` : ` (${t.kind})`}`}`;

describe("architecture: module state", { timeout: 60_000 }, () => {
  test("the reader finds module-level state and statements run at import, not tables or local state", () => {
    const found = readSource(
      "resources/x.ts",
      [
        "let count = 0;",
        "var legacy = 1;",
        "export const hooks: { onPaid?: () => void } = {};",
        "const seen = new Set<string>();",
        "const cache = new WeakMap();",
        "const scope = new AsyncLocalStorage<string>();",
        "const queue: string[] = [];",
        'const TABLE = new Set(["a", "b"]);',
        "const LIMITS = { max: 3 };",
        "hooks.onPaid = () => undefined;",
        'customers.include("sources", async () => []);',
        "function f() { let local = 1; const m = new Map(); return [local, m]; }",
      ].join("\n"),
      () => true,
    ).topLevel.map((t) => `${t.line} ${t.kind} ${t.name}${t.init ? ` ${t.init}` : ""}`);
    assert.deepEqual(found, [
      "1 let count",
      "2 let legacy",
      "3 container hooks {}",
      "4 container seen new Set",
      "5 container cache new WeakMap",
      "6 container scope new AsyncLocalStorage",
      "7 container queue []",
      "10 statement hooks.onPaid =",
      '11 statement customers.include("sources")',
    ]);
  });

  test("module-level state in src/ is an allowed memo cache, or listed in the ratchet", () => {
    const state = readSrc().flatMap((f) => f.topLevel);
    const allowed = new Set(ALLOWED_STATE.map(key));
    const current = state.filter((t) => !allowed.has(key(t)));
    const { added, gone } = ratchetDiff(current, KNOWN_STATE, key);
    const parts: string[] = [];
    if (added.length) {
      parts.push(
        `new module-level state or wiring at import (put per-server state on the server's services or registry; a pure memo cache goes into ALLOWED_STATE with its reason):\n  ${added.map(where).join("\n  ")}`,
      );
    }
    if (gone.length) parts.push(`listed in KNOWN_STATE (test/architecture/ratchet.ts) but gone (remove them from the list):\n  ${gone.map(key).join("\n  ")}`);
    const staleAllowed = ALLOWED_STATE.filter((a) => !state.some((t) => key(t) === key(a)));
    if (staleAllowed.length) parts.push(`listed in ALLOWED_STATE but gone (remove them from the list):\n  ${staleAllowed.map(key).join("\n  ")}`);
    assert.ok(parts.length === 0, parts.join("\n\n"));
  });
});
