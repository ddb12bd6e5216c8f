/**
 * Endpoint overrides on their own: how keys are read, what an action may be
 * (with the exact message a user reads when it is not), the precedence of
 * overlapping keys, and the decision each action makes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../src/chaos/config.js";
import { actionDecision, compileApi, decideApi, OK } from "../../src/chaos/api.js";
import { checkOverrideAction, compileOverrides, overrideMatches, parseOverrideKey } from "../../src/chaos/overrides.js";

const SIMPLE = "ok, timeout, rate_limit, server_error, connection_reset, lost_response";

describe("endpoint overrides", { timeout: 30_000 }, () => {
  test("keys: a path, a path prefix, either after a method (any case, one or more spaces)", () => {
    assert.deepEqual(parseOverrideKey("/v1/customers"), { key: "/v1/customers", method: null, path: "/v1/customers", prefix: false });
    assert.deepEqual(parseOverrideKey("/v1/customers*"), { key: "/v1/customers*", method: null, path: "/v1/customers", prefix: true });
    assert.deepEqual(parseOverrideKey("post  /v1/x*"), { key: "post  /v1/x*", method: "POST", path: "/v1/x", prefix: true });
    for (const m of ["GET", "POST", "DELETE", "PUT", "PATCH"]) assert.equal((parseOverrideKey(`${m} /v1/x`) as { method: string }).method, m);
    assert.equal(parseOverrideKey("/v1/a b"), 'an override key is "/v1/path", "/v1/path*" or "METHOD /v1/path*", got "/v1/a b"');
    assert.equal(parseOverrideKey(""), 'an override key is "/v1/path", "/v1/path*" or "METHOD /v1/path*", got ""');
    assert.equal(parseOverrideKey("GET1 /v1/x"), 'an override key is "/v1/path", "/v1/path*" or "METHOD /v1/path*", got "GET1 /v1/x"');
    assert.equal(parseOverrideKey("HEAD /v1/x"), 'unknown method "HEAD"; use one of GET, POST, DELETE, PUT, PATCH');
    assert.equal(parseOverrideKey("v1/x"), 'the path must start with "/", got "v1/x"');
    assert.equal(parseOverrideKey("GET v1/x*"), 'the path must start with "/", got "v1/x*"');
    assert.equal(parseOverrideKey("/v1/*x"), '"*" may only end a key, got "/v1/*x"');
    assert.equal(parseOverrideKey("/v1/x**"), '"*" may only end a key, got "/v1/x**"');
    assert.equal(parseOverrideKey("/v1/x?limit=1"), 'override keys match paths without query strings, got "/v1/x?limit=1"');
    assert.equal(parseOverrideKey("/v1/x?*"), 'override keys match paths without query strings, got "/v1/x?*"');
  });

  test("actions: the simple names, or one-key objects checked at their bounds", () => {
    for (const ok of ["ok", "timeout", "rate_limit", "server_error", "connection_reset", "lost_response"]) assert.equal(checkOverrideAction(ok), undefined, ok);
    const fine = [
      { custom_response: { status: 100 } },
      { custom_response: { status: 599, body: null, headers: { "x-a": "1" } } },
      { custom_response: { status: 200, headers: {} } },
      { latency_ms: 0 },
      { latency_ms: 2_147_483_647 },
      { server_error: 500 },
      { server_error: 502 },
      { server_error: 503 },
      { server_error: 504 },
    ];
    for (const a of fine) assert.equal(checkOverrideAction(a), undefined, JSON.stringify(a));
    const refused: Array<[unknown, string]> = [
      ["explode", `unknown action "explode"; use one of ${SIMPLE}, {"custom_response": {...}}, {"latency_ms": n}`],
      [5, "an action is a string or an object, got 5"],
      [null, "an action is a string or an object, got null"],
      [["ok"], 'an action is a string or an object, got ["ok"]'],
      [{}, "an action object has exactly one key (custom_response, latency_ms or server_error), got []"],
      [{ latency_ms: 1, server_error: 500 }, 'an action object has exactly one key (custom_response, latency_ms or server_error), got ["latency_ms","server_error"]'],
      [{ custom_response: null }, "custom_response must be an object {status, body}"],
      [{ custom_response: "200" }, "custom_response must be an object {status, body}"],
      [{ custom_response: { status: 200, colour: "red" } }, 'custom_response has no key "colour"; use status, body and headers'],
      [{ custom_response: { status: 99 } }, "custom_response.status must be an integer HTTP status from 100 to 599, got 99"],
      [{ custom_response: { status: 600 } }, "custom_response.status must be an integer HTTP status from 100 to 599, got 600"],
      [{ custom_response: { status: 200.5 } }, "custom_response.status must be an integer HTTP status from 100 to 599, got 200.5"],
      [{ custom_response: { status: "200" } }, 'custom_response.status must be an integer HTTP status from 100 to 599, got "200"'],
      [{ custom_response: {} }, "custom_response.status must be an integer HTTP status from 100 to 599, got undefined"],
      [{ custom_response: { status: 200, headers: null } }, "custom_response.headers must be an object of string values"],
      [{ custom_response: { status: 200, headers: "x" } }, "custom_response.headers must be an object of string values"],
      [{ custom_response: { status: 200, headers: { "x-a": "1", "x-b": 2 } } }, "custom_response.headers must be an object of string values"],
      [{ latency_ms: -1 }, "latency_ms must be a whole number of milliseconds >= 0, got -1"],
      [{ latency_ms: 2_147_483_648 }, "latency_ms must be a whole number of milliseconds >= 0, got 2147483648"],
      [{ latency_ms: 1.5 }, "latency_ms must be a whole number of milliseconds >= 0, got 1.5"],
      [{ latency_ms: "5" }, 'latency_ms must be a whole number of milliseconds >= 0, got "5"'],
      [{ server_error: 501 }, "server_error must be 500, 502, 503 or 504, got 501"],
      [{ server_error: "500" }, 'server_error must be 500, 502, 503 or 504, got "500"'],
      [{ explode: 1 }, 'unknown action "explode"; use custom_response, latency_ms or server_error'],
    ];
    for (const [action, message] of refused) assert.equal(checkOverrideAction(action), message, JSON.stringify(action));
  });

  test("precedence: a method first, then exact before prefix, then the longer prefix, then the key's spelling", () => {
    const order = compileOverrides({
      "/v1/*": "ok",
      "/v1/customers*": "ok",
      "/v1/customers": "ok",
      "/v1/b": "ok",
      "/v1/a": "ok",
      "GET /v1/*": "ok",
      "POST /v1/customers": "ok",
      "/v1/customers/cus_1*": ["ok", "timeout"],
    }).map((o) => o.key);
    assert.deepEqual(order, ["POST /v1/customers", "GET /v1/*", "/v1/customers", "/v1/a", "/v1/b", "/v1/customers/cus_1*", "/v1/customers*", "/v1/*"]);
    const [seq] = compileOverrides({ "/v1/x": ["ok", "timeout"] });
    assert.deepEqual([seq!.sequence, seq!.actions], [true, ["ok", "timeout"]]);
    const [one] = compileOverrides({ "/v1/x": { latency_ms: 3 } });
    assert.deepEqual([one!.sequence, one!.actions], [false, [{ latency_ms: 3 }]]);
    assert.deepEqual(compileOverrides({ "bad key": "ok" }), [], "a malformed key never matches");
    // Whatever order the keys were written in, a method beats an exact path and a longer prefix.
    for (const overrides of [{ "GET /v1/*": "timeout", "/v1/customers": "rate_limit", "/v1/customers*": "ok" }, { "/v1/customers*": "ok", "/v1/customers": "rate_limit", "GET /v1/*": "timeout" }] as const) {
      assert.deepEqual(compileOverrides(overrides).map((o) => o.key), ["GET /v1/*", "/v1/customers", "/v1/customers*"], JSON.stringify(Object.keys(overrides)));
      const api = compileApi({ ...defaultConfig().api, endpoint_overrides: overrides });
      assert.equal(decideApi(api, "GET", "/v1/customers", new Map(), () => 1).kind, "timeout");
      assert.equal(decideApi(api, "POST", "/v1/customers", new Map(), () => 1).kind, "rate_limit");
      assert.equal(decideApi(api, "POST", "/v1/customers/cus_1", new Map(), () => 1), OK);
    }
  });

  test("matching: the method when one is named, the exact path or the prefix", () => {
    const [exact] = compileOverrides({ "/v1/customers": "ok" });
    const [prefix] = compileOverrides({ "POST /v1/customers*": "ok" });
    assert.deepEqual(
      [overrideMatches(exact!, "GET", "/v1/customers"), overrideMatches(exact!, "DELETE", "/v1/customers"), overrideMatches(exact!, "GET", "/v1/customers/cus_1"), overrideMatches(exact!, "GET", "/v1/customer")],
      [true, true, false, false],
    );
    assert.deepEqual(
      [overrideMatches(prefix!, "POST", "/v1/customers"), overrideMatches(prefix!, "POST", "/v1/customers/cus_1/x"), overrideMatches(prefix!, "GET", "/v1/customers"), overrideMatches(prefix!, "POST", "/v1/custom")],
      [true, true, false, false],
    );
  });

  test("each action's decision, named after the rule that made it", () => {
    const config = { ...defaultConfig().api, timeout_ms: 1234 };
    const rule = 'endpoint_overrides["/v1/x"]';
    assert.equal(actionDecision("ok", config, rule), OK);
    assert.deepEqual(actionDecision("timeout", config, rule), { kind: "timeout", ms: 1234, rule });
    assert.deepEqual(actionDecision("rate_limit", config, rule), { kind: "rate_limit", rule });
    assert.deepEqual(actionDecision("server_error", config, rule), { kind: "server_error", status: 500, rule });
    assert.deepEqual(actionDecision("connection_reset", config, rule), { kind: "connection_reset", rule });
    assert.deepEqual(actionDecision("lost_response", config, rule), { kind: "lost_response", mode: "error", rule });
    assert.deepEqual(actionDecision({ server_error: 504 }, config, rule), { kind: "server_error", status: 504, rule });
    assert.deepEqual(actionDecision({ latency_ms: 0 }, config, rule), { kind: "latency", ms: 0, rule });
    assert.deepEqual(actionDecision({ custom_response: { status: 418 } }, config, rule), { kind: "custom_response", status: 418, body: null, rule }, "no body is null, no headers key");
    assert.deepEqual(actionDecision({ custom_response: { status: 200, body: { a: 1 }, headers: { "x-a": "1" } } }, config, rule), {
      kind: "custom_response",
      status: 200,
      body: { a: 1 },
      headers: { "x-a": "1" },
      rule,
    });
  });

  test("a used-up sequence no longer applies: the next matching override, then the rates, decide", () => {
    const api = compileApi({ ...defaultConfig().api, endpoint_overrides: { "/v1/x": ["rate_limit"], "/v1/*": "timeout" } });
    const used = new Map<string, number>();
    const noDraw = () => assert.fail("no draw expected");
    assert.deepEqual(decideApi(api, "GET", "/v1/x", used, noDraw), { kind: "rate_limit", rule: 'endpoint_overrides["/v1/x"][0]' });
    assert.deepEqual([...used], [["/v1/x", 1]]);
    assert.deepEqual(decideApi(api, "GET", "/v1/x", used, noDraw), { kind: "timeout", ms: 5000, rule: 'endpoint_overrides["/v1/*"]' });
    assert.deepEqual([...used], [["/v1/x", 1]], "a used-up sequence is not counted further");
    const alone = compileApi({ ...defaultConfig().api, endpoint_overrides: { "/v1/x": ["ok", "timeout"] } });
    const used2 = new Map<string, number>();
    assert.equal(decideApi(alone, "GET", "/v1/x", used2, noDraw), OK);
    assert.deepEqual(decideApi(alone, "GET", "/v1/x", used2, noDraw), { kind: "timeout", ms: 5000, rule: 'endpoint_overrides["/v1/x"][1]' });
    assert.equal(decideApi(alone, "GET", "/v1/x", used2, noDraw), OK, "then nothing: no rate is set, so no draw");
  });
});
