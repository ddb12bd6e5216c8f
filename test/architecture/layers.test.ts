/**
 * The layers of `src/` hold: every import is one the table in `layers.ts`
 * allows, no file imports itself through others, nothing but the root files
 * imports `server/`, and state machines stay pure. What today's code still
 * does against them is listed in `ratchet.ts`, which may only shrink.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileCycles, folderOf, internalEdges, readSource, readSrc, type SourceFacts } from "./import-graph.js";
import { IMPURE, isFolder, LAYERS, LEVELS, ROLES, type Folder } from "./layers.js";
import { KNOWN_CYCLES, KNOWN_EDGES, KNOWN_MACHINE_IMPORTS, type KnownEdge } from "./ratchet.js";
import { describeEdge, layerViolations, machineProblems, ratchetDiff } from "./rules.js";

const facts = readSrc();
const edges = internalEdges(facts);
const edgeKey = (e: { from: string; to?: string | undefined }) => `${e.from} → ${e.to}`;

/** A ratchet failure: what is new (with where), and what is listed but gone. */
function ratchetMessage(added: string[], gone: KnownEdge[] | string[], what: string): string {
  const parts: string[] = [];
  if (added.length) parts.push(`new ${what} (fix them; the ratchet only shrinks):\n  ${added.join("\n  ")}`);
  if (gone.length) parts.push(`listed in test/architecture/ratchet.ts but gone (remove them from the list):\n  ${gone.map((g) => (typeof g === "string" ? g : edgeKey(g))).join("\n  ")}`);
  return parts.join("\n\n");
}

/** Parses made-up files (relative to `src/`) as the reader parses `src/`. */
function fakeSrc(files: Record<string, string>): SourceFacts[] {
  const exists = (rel: string) => Object.hasOwn(files, rel);
  return Object.entries(files).map(([file, text]) => readSource(file, text, exists));
}

describe("architecture: layers", { timeout: 60_000 }, () => {
  test("the reader sees every form of import, and src/ uses no other", () => {
    const [f] = fakeSrc({
      "resources/a.ts": [
        'import { x } from "../stripe/ids.js";',
        'import type { T } from "../store/store.js";',
        'import { type U, type V } from "./b.js";',
        'export { y } from "../clock/clock.js";',
        'export type { W } from "../events/event.js";',
        'const later = () => import("../chaos/index.js");',
        'type L = import("../kernel/machine.js").Machine<1, 2, 3, 4>;',
        'import Fastify from "fastify";',
        "// import { nope } from '../server/app.js'",
        'const s = "import { nope } from \'../server/app.js\'";',
      ].join("\n"),
      "resources/b.ts": "export type U = 1; export type V = 2;",
      "stripe/ids.ts": "",
      "store/store.ts": "",
      "clock/clock.ts": "",
      "events/event.ts": "",
      "chaos/index.ts": "",
      "kernel/machine.ts": "",
    });
    assert.deepEqual(
      f!.imports.map((i) => [i.line, i.to ?? i.specifier, i.typeOnly, i.dynamic]),
      [
        [1, "stripe/ids.ts", false, false],
        [2, "store/store.ts", true, false],
        [3, "resources/b.ts", true, false],
        [4, "clock/clock.ts", false, false],
        [5, "events/event.ts", true, false],
        [6, "chaos/index.ts", false, true],
        [7, "kernel/machine.ts", true, false],
        [8, "fastify", false, false],
      ],
    );
    assert.deepEqual(fakeSrc({ "x.ts": 'const m = require("fs");\nconst ok = store.require(1);' })[0]!.requires, [1]);
    // In src/: no CommonJS the reader would miss, and every relative import names a file that exists.
    assert.deepEqual(facts.filter((f) => f.requires.length).map((f) => `src/${f.file}:${f.requires.join(",")}`), []);
    const files = new Set(facts.map((f) => f.file));
    assert.deepEqual(edges.filter((e) => !files.has(e.to!)).map(describeEdge), []);
    assert.ok(edges.length > 300, `the reader found only ${edges.length} imports in src/`);
  });

  test("the table is a hierarchy: known folders, nothing both ways, and every folder of src/ has a row", () => {
    for (const [from, tos] of Object.entries(LAYERS) as Array<[Folder, readonly Folder[]]>) {
      for (const to of tos) {
        assert.ok(isFolder(to), `${from} lists an unknown folder ${to}`);
        assert.notEqual(to, from, `${from} lists itself`);
        assert.ok(!LAYERS[to].includes(from), `${from} and ${to} may import each other`);
      }
    }
    // No cycle through several folders either: a depth-first walk never meets a folder on its path.
    const visiting = new Set<Folder>();
    const done = new Set<Folder>();
    const walk = (f: Folder, path: Folder[]) => {
      if (done.has(f)) return;
      assert.ok(!visiting.has(f), `LAYERS has a cycle: ${[...path, f].join(" → ")}`);
      visiting.add(f);
      for (const to of LAYERS[f]) walk(to, [...path, f]);
      visiting.delete(f);
      done.add(f);
    };
    for (const f of Object.keys(LAYERS) as Folder[]) walk(f, []);
    const folders = [...new Set(facts.map((f) => folderOf(f.file)))];
    assert.deepEqual(folders.filter((f) => !isFolder(f)), [], "folders of src/ without a row in LAYERS");
  });

  test("the layers are ordered: every folder has one layer and a role, and imports only folders of lower layers", () => {
    const levelOf = new Map<Folder, number>();
    LEVELS.forEach((folders, level) =>
      folders.forEach((f) => {
        assert.ok(!levelOf.has(f), `${f} is in two layers`);
        levelOf.set(f, level);
      }),
    );
    for (const folder of Object.keys(LAYERS) as Folder[]) {
      assert.ok(levelOf.has(folder), `${folder} has no layer in LEVELS`);
      assert.ok(ROLES[folder].length > 0, `${folder} has no role`);
      for (const to of LAYERS[folder]) assert.ok(levelOf.get(to)! < levelOf.get(folder)!, `${folder}/ (layer ${levelOf.get(folder)}) may import ${to}/ (layer ${levelOf.get(to)}): not lower`);
    }
  });

  test("the layer rule catches an import the table does not allow", () => {
    const fake = fakeSrc({
      "resources/a.ts": 'import { Errors } from "../server/errors.js";\nimport { p } from "../kernel/params/param.js";',
      "server/errors.ts": "",
      "kernel/params/param.ts": "",
      "chaos/c.ts": 'import type { X } from "../resources/a.js";',
    });
    const found = layerViolations(internalEdges(fake)).map((v) => `${describeEdge(v.edge)}: ${v.rule}`);
    assert.equal(found.length, 2, found.join("\n"));
    assert.match(found[0]!, /^src\/resources\/a\.ts:1 → src\/server\/errors\.ts: resources\/ may import only payments\/, billing\/, kernel\//);
    assert.match(found[1]!, /^src\/chaos\/c\.ts:1 → src\/resources\/a\.ts \(type\): chaos\/ may import only stripe\/, clock\/$/);
  });

  test("every import is allowed by the table, or listed in the ratchet", () => {
    const violations = layerViolations(edges);
    const { added, gone } = ratchetDiff(
      violations.map((v) => v.edge),
      KNOWN_EDGES,
      edgeKey,
    );
    const rule = new Map(violations.map((v) => [v.edge, v.rule]));
    assert.ok(added.length === 0 && gone.length === 0, ratchetMessage(added.map((e) => `${describeEdge(e)}: ${rule.get(e)}`), gone, "imports against the layers"));
  });

  test("nothing but the root files and the command's tools imports server/ (beyond the ratchet)", () => {
    const intoServer = edges.filter((e) => folderOf(e.to!) === "server" && !["server", "cli", "root"].includes(folderOf(e.from)));
    const known = KNOWN_EDGES.filter((k) => folderOf(k.to) === "server");
    const { added, gone } = ratchetDiff(intoServer, known, edgeKey);
    assert.ok(added.length === 0 && gone.length === 0, ratchetMessage(added.map(describeEdge), gone, "imports of server/"));
    for (const [folder, tos] of Object.entries(LAYERS)) if (folder !== "root" && folder !== "cli") assert.ok(!tos.includes("server"), `LAYERS lets ${folder}/ import server/`);
  });

  test("the cycle rule finds a cycle through several files", () => {
    const fake = fakeSrc({
      "a/x.ts": 'import "./y.js";',
      "a/y.ts": 'import type { Z } from "../b/z.js";',
      "b/z.ts": 'export { x } from "../a/x.js";',
      "b/w.ts": 'import "./w.js";',
      "b/v.ts": 'import "../a/x.js";',
    });
    assert.deepEqual(fileCycles(internalEdges(fake)), [["a/x.ts", "a/y.ts", "b/z.ts"], ["b/w.ts"]]);
  });

  test("no file imports itself through others, beyond the ratchet", () => {
    const cycles = fileCycles(edges);
    const key = (files: readonly string[]) => files.join(" ↔ ");
    const { added, gone } = ratchetDiff(
      cycles,
      KNOWN_CYCLES.map((c) => c.files),
      key,
    );
    // A listed cycle that lost files is gone as listed: write down what is left of it.
    assert.ok(added.length === 0 && gone.length === 0, ratchetMessage(added.map(key), gone.map(key), "file cycles"));
  });

  test("the purity rule catches a machine's I/O, time, randomness and imports", () => {
    const bad = fakeSrc({
      "resources/x/machine.ts": [
        'import type { Machine } from "../../kernel/machine.js";',
        'import { Errors } from "../../kernel/errors/index.js";',
        'import type { Customer } from "../../stripe/objects.js";',
        'import { CURRENCIES } from "../../stripe/currencies.js";',
        'import { plan } from "./plan.js";',
        'import { store } from "../../store/store.js";',
        'import { randomChars } from "../../stripe/ids.js";',
        'import { andThen } from "../y/machine.js";',
        'import { share } from "../intents/share.js";',
        'import { amountFor } from "../../billing/pricing.js";',
        "export const m = async () => { await 1; return [Date.now(), new Date(), performance.now(), Math.random(), randomChars(3), r.newId(), plan()]; };",
      ].join("\n"),
      "resources/x/plan.ts": 'import { newId } from "../../stripe/ids.js";\nexport const plan = () => newId("x");',
      "resources/y/machine.ts": "export const andThen = (x: number) => x;",
      "resources/intents/share.ts": "export const share = () => Date.now();",
      "billing/pricing.ts": 'import { store } from "../store/store.js";\nexport const amountFor = () => store;',
      "kernel/machine.ts": "",
      "kernel/errors/index.ts": "",
      "stripe/objects.ts": "",
      "stripe/currencies.ts": "",
      "stripe/ids.ts": "",
      "store/store.ts": "",
    });
    const problems = machineProblems(bad)
      .map((p) => p.text)
      .join("\n");
    for (const what of IMPURE) assert.ok(problems.includes(`uses ${what}`), `not caught: ${what}\n${problems}`);
    assert.match(problems, /machine\.ts:4 imports values from src\/stripe\/currencies\.ts/);
    assert.match(problems, /machine\.ts:6 imports src\/store\/store\.ts/);
    assert.match(problems, /plan\.ts:2 uses newId \(pure: imported by the machine src\/resources\/x\/machine\.ts\)/);
    assert.match(problems, /share\.ts:1 uses Date\.now \(pure: imported by the machine src\/resources\/x\/machine\.ts\)/);
    assert.match(problems, /pricing\.ts:1 imports src\/store\/store\.ts: .* \(pure: imported by the machine src\/resources\/x\/machine\.ts\)/);
    assert.doesNotMatch(problems, /machine\.ts:([12358]|9|10) /);
    const good = fakeSrc({
      "resources/x/machine.ts": 'import type { Machine } from "../../kernel/machine.js";\nimport { step } from "./plan.js";\nexport const m = (s: number) => step(s);',
      "resources/x/plan.ts": "export const step = (s: number) => ({ next: s + 1, effects: [] });",
      "kernel/machine.ts": "",
    });
    assert.deepEqual(machineProblems(good), []);
  });

  test("state machines in src/ are pure, beyond the ratchet of their imports", () => {
    const problems = machineProblems(facts);
    assert.deepEqual(
      problems.filter((p) => p.to === undefined).map((p) => p.text),
      [],
      "impure uses in machines (never listed: time, randomness and I/O come in through env)",
    );
    const imports = problems.filter((p) => p.to !== undefined);
    const { added, gone } = ratchetDiff(
      imports.map((p) => ({ from: p.file, to: p.to, text: p.text })),
      KNOWN_MACHINE_IMPORTS,
      edgeKey,
    );
    assert.ok(added.length === 0 && gone.length === 0, ratchetMessage(added.map((p) => p.text), gone, "imports of machines"));
  });
});
