/**
 * The rules of `layers.ts` applied to the import graph, as functions of the
 * graph (so each can be checked on a made-up graph as well as on `src/`).
 */
import ts from "typescript";
import { folderOf, type ImportEdge, type SourceFacts } from "./import-graph.js";
import { allowed, isFolder, LAYERS, MACHINE_IMPORTS, type IMPURE } from "./layers.js";

/** An import the layer table does not allow. */
export interface Violation {
  readonly edge: ImportEdge;
  readonly rule: string;
}

/** Every import between folders the table does not allow (and every file in a folder the table does not know). */
export function layerViolations(edges: readonly ImportEdge[]): Violation[] {
  const out: Violation[] = [];
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to!);
    if (!isFolder(from)) out.push({ edge, rule: `src/${from}/ is not in LAYERS (test/architecture/layers.ts): give it a row` });
    else if (!isFolder(to)) out.push({ edge, rule: `src/${to}/ is not in LAYERS (test/architecture/layers.ts): give it a row` });
    else if (!allowed(from, to)) out.push({ edge, rule: `${from}/ may import only ${LAYERS[from].length ? LAYERS[from].map((f) => `${f}/`).join(", ") : "itself"}` });
  }
  return out;
}

/** `file:line → target (type)` for a failure message. */
export function describeEdge(e: ImportEdge): string {
  return `src/${e.from}:${e.line} → src/${e.to}${e.typeOnly ? " (type)" : ""}${e.dynamic ? " (dynamic import)" : ""}`;
}

/** What is new against a ratchet list, and what it lists that no longer exists. */
export function ratchetDiff<C, K>(current: readonly C[], known: readonly K[], key: (x: C | K) => string): { added: C[]; gone: K[] } {
  const knownKeys = new Set(known.map(key));
  const currentKeys = new Set(current.map(key));
  return { added: current.filter((c) => !knownKeys.has(key(c))), gone: known.filter((k) => !currentKeys.has(key(k))) };
}

/** Whether a file is a state machine under the purity rules. */
export const isMachine = (file: string) => file === "machine.ts" || file.endsWith("/machine.ts");

function dirOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "" : file.slice(0, slash + 1);
}

/** Impure uses in a file's code: `await`, `Date.now`, `new Date()`, `performance.now`, `Math.random`, `randomChars`, `newId`. */
function impureUses(facts: SourceFacts): Array<{ line: number; text: string }> {
  const source = facts.source;
  const out: Array<{ line: number; text: string }> = [];
  const at = (n: ts.Node, what: (typeof IMPURE)[number]) => {
    const line = source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
    out.push({ line, text: `src/${facts.file}:${line} uses ${what}` });
  };
  const visit = (n: ts.Node) => {
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) at(n, "await");
    else if (ts.isPropertyAccessExpression(n)) {
      const text = ts.isIdentifier(n.expression) ? `${n.expression.text}.${n.name.text}` : "";
      if (text === "Date.now" || text === "Math.random" || text === "performance.now") at(n, text);
      else if (n.name.text === "newId") at(n, "newId");
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "Date" && !n.arguments?.length) at(n, "new Date()");
    else if (ts.isIdentifier(n) && (n.text === "randomChars" || n.text === "newId") && !ts.isPropertyAccessExpression(n.parent)) at(n, n.text);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** A purity problem: an impure use (`to` absent) or an import a machine may not make. */
export interface MachineProblem {
  readonly file: string;
  readonly line: number;
  /** The imported file (relative to `src/`) or package; absent for an impure use. */
  readonly to?: string;
  /** The machine whose rules the file keeps, when it is a module the machine imports. */
  readonly via?: string;
  readonly text: string;
}

/**
 * The purity problems of the state machines among `facts`: a `machine.ts`,
 * and every pure module it imports (a sibling, or one of MACHINE_IMPORTS'
 * pure folders, which then keeps the same rules), imports only what
 * MACHINE_IMPORTS allows and uses nothing of IMPURE.
 */
export function machineProblems(facts: readonly SourceFacts[]): MachineProblem[] {
  const byFile = new Map(facts.map((f) => [f.file, f]));
  const problems: MachineProblem[] = [];
  const checked = new Set<string>();
  const allowedList = `${[...MACHINE_IMPORTS.files, ...MACHINE_IMPORTS.folders].join(", ")}, types of ${MACHINE_IMPORTS.typeOnlyFolders.join(", ")}, other machines and pure modules (siblings, ${MACHINE_IMPORTS.pureFolders.join(", ")})`;
  const check = (file: string, via: string | undefined) => {
    if (checked.has(file)) return;
    checked.add(file);
    const f = byFile.get(file);
    if (!f) return;
    const as = via ? ` (pure: imported by the machine src/${via})` : "";
    const push = (line: number, text: string, to?: string) => problems.push({ file: f.file, line, ...(to === undefined ? {} : { to }), ...(via ? { via } : {}), text: `${text}${as}` });
    for (const p of impureUses(f)) push(p.line, p.text);
    for (const i of f.imports) {
      const to = i.to;
      if (to === undefined) {
        push(i.line, `src/${f.file}:${i.line} imports the package ${i.specifier}`, i.specifier);
        continue;
      }
      if ((MACHINE_IMPORTS.files as readonly string[]).includes(to)) continue;
      if (MACHINE_IMPORTS.folders.some((d) => to.startsWith(d))) continue;
      if (MACHINE_IMPORTS.typeOnlyFolders.some((d) => to.startsWith(d))) {
        if (!i.typeOnly) push(i.line, `src/${f.file}:${i.line} imports values from src/${to}: only types of ${MACHINE_IMPORTS.typeOnlyFolders.join(", ")}`, to);
        continue;
      }
      if (isMachine(to)) continue; // checked as a machine itself
      if (dirOf(to) === dirOf(f.file) || MACHINE_IMPORTS.pureFolders.some((d) => to.startsWith(d))) {
        check(to, via ?? f.file);
        continue;
      }
      push(i.line, `src/${f.file}:${i.line} imports src/${to}: a machine imports only ${allowedList}`, to);
    }
  };
  for (const f of facts) if (isMachine(f.file)) check(f.file, undefined);
  return problems;
}

/** Stripe's error `type`s: an object literal with one of them and a `message` is an error body. */
const ERROR_TYPES = new Set(["api_error", "card_error", "idempotency_error", "invalid_request_error"]);

/** An error built outside the error table, or a plain `Error` thrown. */
export interface InlineError {
  readonly file: string;
  readonly line: number;
  /** `new StripeError`, `invalidRequest`, `error body` (an object literal in Stripe's error shape) or `throw new Error`. */
  readonly kind: "new StripeError" | "invalidRequest" | "error body" | "throw new Error";
  /** For a plain `Error`: the start of its message as written (the key of the allow-list). */
  readonly message?: string;
}

/** Whether a file belongs to the error table (`src/kernel/errors/`), where errors are built. */
export const isErrorTable = (file: string) => file.startsWith("kernel/errors/");

/**
 * Every error a file builds outside the error table: `new StripeError(…)` and
 * `invalidRequest(…)` calls (whatever their arguments: outside the table the
 * message would be composed at the call site), object literals in Stripe's
 * error shape (a `type` that is one of Stripe's error types, and a `message`),
 * and `throw new Error(…)` / `TypeError` / `RangeError` (which answer a client
 * as an anonymous 500, so only programmer errors may use them: see the allow-list).
 */
export function inlineErrors(facts: readonly SourceFacts[]): InlineError[] {
  const out: InlineError[] = [];
  for (const f of facts) {
    if (isErrorTable(f.file)) continue;
    const source = f.source;
    const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
    const visit = (n: ts.Node) => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "StripeError") out.push({ file: f.file, line: lineOf(n), kind: "new StripeError" });
      else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "invalidRequest") out.push({ file: f.file, line: lineOf(n), kind: "invalidRequest" });
      else if (ts.isObjectLiteralExpression(n) && isErrorBody(n)) out.push({ file: f.file, line: lineOf(n), kind: "error body" });
      else if (ts.isThrowStatement(n) && ts.isNewExpression(n.expression) && ts.isIdentifier(n.expression.expression) && /^(Error|TypeError|RangeError)$/.test(n.expression.expression.text)) {
        const arg = n.expression.arguments?.[0];
        out.push({ file: f.file, line: lineOf(n), kind: "throw new Error", message: arg === undefined ? "" : arg.getText(source).slice(0, 50) });
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return out;
}

function isErrorBody(n: ts.ObjectLiteralExpression): boolean {
  const prop = (name: string) => n.properties.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === name);
  const type = prop("type");
  return type !== undefined && ts.isPropertyAssignment(type) && ts.isStringLiteralLike(type.initializer) && ERROR_TYPES.has(type.initializer.text) && prop("message") !== undefined;
}
