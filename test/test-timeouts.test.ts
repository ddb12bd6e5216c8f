/**
 * Every test has a timeout: each outermost `describe`/`test` call in the test
 * files declares `{ timeout }` (nested ones inherit it), so a hang fails its
 * suite instead of stalling the run. Reads the sources with the TypeScript
 * parser.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = new URL("..", import.meta.url).pathname;
const RUNNERS = new Set(["describe", "test", "it", "suite"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

const isRunnerCall = (n: ts.Node): n is ts.CallExpression => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && RUNNERS.has(n.expression.text);

const hasTimeout = (call: ts.CallExpression): boolean =>
  call.arguments.some(
    (a) => ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === "timeout"),
  );

/** Outermost describe/test calls without a timeout, as `file:line name`. */
function missingTimeouts(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  // Only the runners this file imports from node:test (a helper may have its own `describe`).
  const imported = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== "node:test") continue;
    const named = st.importClause?.namedBindings;
    if (named && ts.isNamedImports(named)) for (const el of named.elements) if (RUNNERS.has((el.propertyName ?? el.name).text)) imported.add(el.name.text);
  }
  const out: string[] = [];
  const walk = (node: ts.Node, inside: boolean) => {
    if (isRunnerCall(node) && imported.has((node.expression as ts.Identifier).text)) {
      if (!inside && !hasTimeout(node)) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
        const title = node.arguments[0] && ts.isStringLiteralLike(node.arguments[0]) ? node.arguments[0].text : node.arguments[0]?.getText(sf);
        out.push(`${relative(ROOT, file)}:${line + 1} ${(node.expression as ts.Identifier).text}(${title})`);
      }
      ts.forEachChild(node, (c) => walk(c, true));
      return;
    }
    ts.forEachChild(node, (c) => walk(c, inside));
  };
  walk(sf, false);
  return out;
}

test("every outermost describe and test declares a timeout", { timeout: 60_000 }, () => {
  const files = sources(join(ROOT, "test"));
  assert.ok(files.length > 40, `found ${files.length} test sources`);
  assert.deepEqual(files.flatMap(missingTimeouts), []);
});

test("the check itself: a suite without a timeout is found, one with it is not", { timeout: 10_000 }, () => {
  const here = new URL(import.meta.url).pathname;
  assert.deepEqual(missingTimeouts(here), []);
  const sf = ts.createSourceFile("x.ts", 'describe("a", () => { test("b", () => {}); });\ntest("c", { timeout: 5 }, () => {});', ts.ScriptTarget.Latest, true);
  const calls: ts.CallExpression[] = [];
  ts.forEachChild(sf, function find(n) {
    if (isRunnerCall(n)) calls.push(n);
    ts.forEachChild(n, find);
  });
  assert.deepEqual(
    calls.map((c) => [(c.arguments[0] as ts.StringLiteral).text, hasTimeout(c)]),
    [
      ["a", false],
      ["b", false],
      ["c", true],
    ],
  );
});
