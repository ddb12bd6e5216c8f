/**
 * The package as users get it. `npm pack` runs on a copy of the working tree
 * (so the build never races other tests that read dist/); the tarball is
 * installed with `npm ci --offline` into a fresh project whose lockfile
 * takes this repository's entries for the production dependencies, so no
 * network is needed. Then it is used the ways the README says: `npx
 * paper-tiger`, `import`, `require`, plain `.mjs` on Node 20, TypeScript,
 * the test-runner recipes, and the container's command and environment.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { createHash } from "node:crypto";
import { ROOT, run, start } from "./helpers/processes.js";
import { parseDockerfile } from "./helpers/dockerfile.js";
import yaml from "js-yaml";

const TIMEOUT = { timeout: 240_000 };
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, unknown>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

let work: string;
let app: string;
let installed: string;
let packed: PackResult;
let installOutput: string;

/** Links a package of this repository's node_modules into the app (test tools the app would install itself). */
function link(name: string): void {
  const target = join(app, "node_modules", name);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(ROOT, "node_modules", name), target, "dir");
}

/** This process's environment without what would tell a child node:test it runs inside this test, and without colours. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

const node = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  run(process.execPath, args, { cwd: options.cwd ?? app, env: options.env ?? cleanEnv(), timeoutMs: 120_000 });

before(async () => {
  work = mkdtempSync(join(tmpdir(), "pt-package-"));
  const copy = join(work, "source");
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE", "src", "dashboard"]) {
    cpSync(join(ROOT, f), join(copy, f), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  const pack = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: copy, timeoutMs: 180_000 });
  assert.equal(pack.code, 0, pack.stderr);
  packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;
  const tarball = join(work, packed.filename);

  // A lockfile for the app: the tarball, and this repository's entries for paper-tiger's production dependencies.
  app = join(work, "app");
  mkdirSync(app);
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const spec = `file:../${packed.filename}`;
  const packages: Record<string, unknown> = {
    "": { name: "app", dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== "" && !entry.dev && !entry.devOptional) packages[path] = entry;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module", dependencies: { [pkg.name]: spec } }, null, 2));
  writeFileSync(join(app, "package-lock.json"), JSON.stringify({ name: "app", lockfileVersion: 3, requires: true, packages }, null, 2));
  const install = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: app, timeoutMs: 180_000 });
  installOutput = install.stdout + install.stderr;
  assert.equal(install.code, 0, installOutput);
  installed = join(app, "node_modules", pkg.name);
}, TIMEOUT);

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", { timeout: 600_000 }, () => {
  test("installs on Node 20 without a warning", () => {
    assert.doesNotMatch(installOutput, /warn/i, installOutput);
    assert.match(installOutput, /added \d+ packages/);
  });

  test("ships what its exports, bin and source maps point at, its LICENSE, and no tests", () => {
    const files = new Set(packed.files.map((f) => f.path));
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
    for (const target of [...targets, ...Object.values(pkg.bin)]) assert.ok(files.has(posix.normalize(target)), `${target} is not in the package`);
    assert.ok(files.has("LICENSE") && files.has("README.md"));
    const maps = [...files].filter((f) => f.endsWith(".map"));
    assert.ok(maps.length > 0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(installed, map), "utf8")) as { sources: string[] };
      for (const source of sources) assert.ok(files.has(posix.join(posix.dirname(map), source)), `${map} points at ${source}, which is not in the package`);
    }
    assert.deepEqual([...files].filter((f) => /^(test|bench|examples)\//.test(f)), []);
    const license = readFileSync(join(installed, "LICENSE"), "utf8");
    assert.match(license, /^MIT License/);
    assert.match(license, /Copyright \(c\) 2011- Stripe, Inc\./);
  });

  test("npx paper-tiger --version and --help", async () => {
    const version = await run("npx", ["--offline", "paper-tiger", "--version"], { cwd: app });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), pkg.version);
    const help = await run("npx", ["--offline", "paper-tiger", "--help"], { cwd: app });
    assert.match(help.stdout, /--port <n>[\s\S]*PAPER_TIGER_PORT/);
  });

  test("the installed command starts, answers /health and stops cleanly on SIGTERM", async () => {
    const server = start(join(app, "node_modules", ".bin", "paper-tiger"), [], { cwd: app, env: { ...process.env, PAPER_TIGER_PORT: "0" } });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const res = await fetch(`${url}/health`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok", object: "health" });
    } finally {
      const { code } = await server.stop("SIGTERM");
      assert.equal(code, 0, server.stderr());
    }
  });

  test("import and require give the same module; old Node versions get a clear error from require", async () => {
    const script = 'const cjs = require("paper-tiger"); import("paper-tiger").then((esm) => console.log(typeof cjs.startPaperTiger, cjs.startPaperTiger === esm.startPaperTiger));';
    const both = await node(["--input-type=commonjs", "-e", script]);
    assert.equal(both.stdout.trim(), "function true", both.stderr);
    assert.doesNotMatch(both.stderr, /warning/i);
    // What Node.js before 20.19 does: require() cannot load ES modules.
    const old = await node(["--no-experimental-require-module", "--input-type=commonjs", "-e", 'require("paper-tiger")']);
    assert.notEqual(old.code, 0);
    assert.match(old.stderr, /paper-tiger is an ES module: require\("paper-tiger"\) needs Node\.js 20\.19 or newer/);
  });

  test("pt.stripe() and createStripeClient() say what to install when stripe is missing", async () => {
    const script = `
      import { startPaperTiger, createStripeClient } from "paper-tiger";
      const pt = await startPaperTiger({ port: 0 });
      try { pt.stripe(); } catch (e) { console.log(e.message); }
      await createStripeClient({ url: pt.url }).catch((e) => console.log(e.message));
      await pt.close();`;
    const r = await node(["--input-type=module", "-e", script]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 2, r.stdout);
    for (const line of lines) assert.match(line, /need the `stripe` package, an optional peer dependency: npm install --save-dev stripe/);
  });

  test("TypeScript resolves the types through the exports", async () => {
    link("stripe");
    link("@types/node");
    // Libraries' own declarations are not rechecked (skipLibCheck, as most projects run); the lines
    // that expect an error fail the check if paper-tiger's types were lost and became `any`.
    writeFileSync(
      join(app, "check.ts"),
      [
        'import Stripe from "stripe";',
        'import { startPaperTiger, PaperTigerOptionError, type PaperTigerOptions } from "paper-tiger";',
        "const options: PaperTigerOptions = { port: 0 };",
        "const pt = await startPaperTiger(options);",
        "const client: Stripe = pt.stripe({ namespace: \"x\" });",
        "// @ts-expect-error: port is a number",
        'await startPaperTiger({ port: "0" }).catch((e: unknown) => e instanceof PaperTigerOptionError);',
        "// @ts-expect-error: not a member",
        "pt.nothing();",
        "await client.customers.list();",
        "await pt.close();",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"], skipLibCheck: true }, files: ["check.ts"] }),
    );
    const r = await node([join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test("plain .mjs on Node 20: the try/finally form works, and `await using` is what Node cannot parse yet", async () => {
    link("stripe");
    cpSync(join(ROOT, "examples", "quickstart.mjs"), join(app, "quickstart.mjs"));
    const r = await node(["quickstart.mjs"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^true\n1$/m);
    const usingForm = await node(["--input-type=module", "-e", 'import { startPaperTiger } from "paper-tiger"; { await using pt = await startPaperTiger({ port: 0 }); }']);
    const major = Number(process.versions.node.split(".")[0]);
    if (major < 24) assert.match(usingForm.stderr, /SyntaxError/);
    else assert.equal(usingForm.code, 0, usingForm.stderr);
  });
});

describe("test-runner recipes (examples/), against the installed package", { timeout: 600_000 }, () => {
  before(() => {
    for (const name of ["stripe", "tsx", "vitest", "jest", "@jest/globals"]) link(name);
  });

  test("node:test: one server for the run, one namespace per file", TIMEOUT, async () => {
    cpSync(join(ROOT, "examples", "node-test"), join(app, "node-test"), { recursive: true });
    const r = await node(["--import", "tsx", "node-test/run.ts"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ℹ pass 2\b/, r.stdout);
    assert.match(r.stdout, /ℹ fail 0\b/);
  });

  test("Vitest: globalSetup starts one server, each test file its own namespace", TIMEOUT, async () => {
    cpSync(join(ROOT, "examples", "vitest"), join(app, "vitest"), { recursive: true });
    const r = await node([join(app, "node_modules", "vitest", "vitest.mjs"), "run", "--root", "vitest"], { env: cleanEnv({ CI: "true" }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Tests\s+2 passed \(2\)/, r.stdout);
  });

  test("Jest: globalSetup starts one server, each test file its own namespace", TIMEOUT, async () => {
    cpSync(join(ROOT, "examples", "jest"), join(app, "jest"), { recursive: true });
    const r = await node([join(app, "node_modules", "jest", "bin", "jest.js"), "--config", "jest/jest.config.mjs", "--ci"], {
      env: cleanEnv({ NODE_OPTIONS: "--experimental-vm-modules" }),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /Tests:\s+2 passed, 2 total/, r.stderr);
  });
});

describe("the container recipe", { timeout: 600_000 }, () => {
  const dockerfile = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  const final = dockerfile.stages.at(-1)!;

  test("multi-stage on Node 20 LTS slim, production dependencies only, unprivileged, port 12111, a node health check", () => {
    assert.ok(dockerfile.stages.length >= 2);
    for (const s of dockerfile.stages) assert.match(s.from, /^node:20(\.\d+)*-(bookworm-)?slim\b/);
    assert.ok(final.run.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)), "the final stage installs production dependencies only");
    assert.ok(final.user !== undefined && !/^(root|0)$/.test(final.user));
    assert.deepEqual(final.expose, ["12111"]);
    assert.equal(final.env.PAPER_TIGER_HOST, "0.0.0.0");
    assert.ok(final.healthcheck?.[0] === "node", "HEALTHCHECK runs node (no curl in slim images)");
  });

  test("every COPY source exists and is in the build context; what is copied from the build stage is built there", () => {
    const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8");
    const allowed = ignore
      .split("\n")
      .filter((l) => l.startsWith("!"))
      .map((l) => l.slice(1).replace(/\/$/, ""));
    assert.match(ignore, /^\*$/m, ".dockerignore allows only what is listed");
    for (const stage of dockerfile.stages) {
      for (const copy of stage.copy) {
        if (copy.from === undefined) {
          for (const src of copy.sources) {
            assert.ok(existsSync(join(ROOT, src)), `COPY ${src}: no such file`);
            assert.ok(allowed.includes(src.replace(/\/$/, "")), `COPY ${src}: excluded by .dockerignore`);
          }
        } else {
          const from = dockerfile.stages.find((s) => s.name === copy.from);
          assert.ok(from, `COPY --from=${copy.from}: no such stage`);
          for (const src of copy.sources) {
            const rel = posix.relative(from.workdir!, src);
            const built = rel === "dist" && from.run.includes("npm run build");
            const copied = from.copy.some((c) => c.from === undefined && c.sources.includes(rel));
            assert.ok(built || copied, `COPY --from=${copy.from} ${src}: the build stage neither builds nor copies it`);
          }
        }
      }
    }
    const build = JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as { compilerOptions: { outDir: string } };
    assert.equal(build.compilerOptions.outDir, "dist");
  });

  test("the image's command and environment start the built server; its health check passes, and fails once it stopped", async () => {
    const env = cleanEnv({ ...final.env, PAPER_TIGER_PORT: "0" });
    const [command, ...args] = final.cmd!;
    assert.equal(command, "node");
    const server = start(process.execPath, args, { cwd: installed, env });
    let port: string;
    try {
      [, port] = (await server.waitFor(/listening on http:\/\/[\d.]+:(\d+)/)) as unknown as [string, string];
      const health = await node(final.healthcheck!.slice(1), { cwd: installed, env: { ...env, PAPER_TIGER_PORT: port } });
      assert.equal(health.code, 0, health.stderr);
    } finally {
      assert.equal((await server.stop("SIGTERM")).code, 0, server.stderr());
    }
    const down = await node(final.healthcheck!.slice(1), { cwd: installed, env: { ...env, PAPER_TIGER_PORT: port } });
    assert.equal(down.code, 1);
  });

  test("the compose example: the app's payment reaches the receiver, signed with the secret both are given", async () => {
    const composeDir = join(ROOT, "examples", "docker");
    type Service = { build?: string; image?: string; command?: string[]; volumes?: string[]; environment?: Record<string, string> };
    const { services } = yaml.load(readFileSync(join(composeDir, "compose.yaml"), "utf8")) as { services: Record<string, Service> };
    const { stripe, receiver, app: appService } = services as Record<"stripe" | "receiver" | "app", Service>;
    for (const s of [stripe, receiver]) assert.ok(existsSync(join(composeDir, s.build!, "Dockerfile")), "built from this repository's Dockerfile");
    const mounted = (s: Service) => {
      const [host, container] = s.volumes![0]!.split(":") as [string, string];
      assert.ok(existsSync(join(composeDir, host)), `${host} is mounted but missing`);
      return { host: join(composeDir, host), container };
    };
    // The receiver runs in the image, where the package sits at /app: it runs from the installed package here.
    const receiverFile = mounted(receiver);
    assert.equal(posix.dirname(receiverFile.container), final.workdir);
    cpSync(receiverFile.host, join(installed, posix.basename(receiverFile.container)));
    const receiving = start(process.execPath, receiver.command!.slice(1), { cwd: installed, env: cleanEnv({ ...receiver.environment, PORT: "0", HOST: "127.0.0.1" }) });
    try {
      const [, receiverPort] = (await receiving.waitFor(/receiver listening on port (\d+)/)) as unknown as [string, string];
      // The server as the image runs it, with the compose file's environment; service names become loopback addresses.
      const webhook = stripe.environment!.PAPER_TIGER_WEBHOOK!.replace("receiver:3000", `127.0.0.1:${receiverPort}`);
      const server = start(process.execPath, final.cmd!.slice(1), {
        cwd: installed,
        env: cleanEnv({ ...final.env, ...stripe.environment, PAPER_TIGER_WEBHOOK: webhook, PAPER_TIGER_HOST: "127.0.0.1", PAPER_TIGER_PORT: "0" }),
      });
      try {
        const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        const appFile = mounted(appService);
        const paid = await node([appFile.host], { env: cleanEnv({ ...appService.environment, STRIPE_API_BASE: url }) });
        assert.equal(paid.code, 0, paid.stderr);
        assert.match(paid.stdout, /^cus_\w+ paid: succeeded$/m);
        await receiving.waitFor(/received payment_intent\.succeeded evt_\w+ \(signature verified\)/);
        assert.match(receiving.stdout(), /received customer\.created evt_\w+ \(signature verified\)/);
        assert.doesNotMatch(receiving.stdout(), /rejected/);
      } finally {
        await server.stop();
      }
    } finally {
      await receiving.stop();
    }
  });
});
