/**
 * Which HTTP method and path each method of the `stripe` package calls: read
 * from the package's compiled resources (`cjs/resources/**\/*.js`), where every
 * method is `name(args) { return this._makeRequest('POST', `/v1/x/${...}`, ...) }`.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { v1ResourceFiles } from "./walk.js";

/** One SDK method and the request it makes. */
export interface SdkRoute {
  /** The SDK's path to the resource, e.g. `testHelpers.testClocks`. */
  readonly resource: string;
  /** The resource's class, e.g. `TestClockResource`. */
  readonly className: string;
  /** The method, e.g. `advance`. */
  readonly method: string;
  readonly httpMethod: "GET" | "POST" | "DELETE";
  /** The path with `{arg}` for each path argument, as the SDK names them (`/v1/customers/{customerId}/tax_ids/{id}`). */
  readonly path: string;
  /** `list` or `search` when the SDK pages the answer. */
  readonly methodType?: "list" | "search";
  /** The `.d.ts` file declaring the class. */
  readonly declarationFile: string;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** `TestHelpers/TestClocks.js` → `testHelpers.testClocks`. */
function resourceName(resourcesDir: string, file: string): string {
  return relative(resourcesDir, file)
    .replace(/\.js$/, "")
    .split(/[\\/]/)
    .map((part) => (part === "OAuth" ? "oauth" : lowerFirst(part)))
    .join(".");
}

/** The path of a `_makeRequest` call: a string literal or a template whose spans are `encodeURIComponent(arg)`. */
function pathOf(node: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return undefined;
  let out = node.head.text;
  for (const span of node.templateSpans) {
    const e = span.expression;
    const arg = ts.isCallExpression(e) && e.arguments[0] && ts.isIdentifier(e.arguments[0]) ? e.arguments[0].text : undefined;
    if (!arg) return undefined;
    out += `{${arg}}${span.literal.text}`;
  }
  return out;
}

function methodTypeOf(options: ts.Expression | undefined): SdkRoute["methodType"] {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const prop of options.properties) {
    if (ts.isPropertyAssignment(prop) && prop.name.getText() === "methodType" && ts.isStringLiteral(prop.initializer)) {
      const v = prop.initializer.text;
      if (v === "list" || v === "search") return v;
    }
  }
  return undefined;
}

/** The `this._makeRequest(...)` calls in a method body. */
function requestCalls(body: ts.Node): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "_makeRequest") out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(body);
  return out;
}

/** Every route of every resource class under `resourcesDir`, in file then declaration order. */
export function readSdkRoutes(resourcesDir: string): SdkRoute[] {
  const routes: SdkRoute[] = [];
  for (const file of v1ResourceFiles(resourcesDir, ".js")) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    for (const stmt of source.statements) {
      if (!ts.isClassDeclaration(stmt) || !stmt.name) continue;
      for (const member of stmt.members) {
        if (!ts.isMethodDeclaration(member) || !member.body) continue;
        // Usually one `return this._makeRequest(...)`; `accounts.retrieve` picks one of two paths.
        for (const call of requestCalls(member.body)) {
          const [verb, pathArg, , , options] = call.arguments;
          const path = pathArg && pathOf(pathArg);
          if (!verb || !ts.isStringLiteral(verb) || !path) throw new Error(`${file}: cannot read the request of ${member.name.getText()}`);
          const httpMethod = verb.text;
          if (httpMethod !== "GET" && httpMethod !== "POST" && httpMethod !== "DELETE") throw new Error(`${file}: unexpected method ${httpMethod}`);
          const methodType = methodTypeOf(options);
          routes.push({
            resource: resourceName(resourcesDir, file),
            className: stmt.name.text,
            method: member.name.getText(),
            httpMethod,
            path,
            ...(methodType ? { methodType } : {}),
            declarationFile: file.replace(/\.js$/, ".d.ts"),
          });
        }
      }
    }
  }
  return routes;
}
