/**
 * The fuzz run: starts a server, sends generated requests over raw
 * keep-alive connections from a few workers, and counts what must never
 * happen:
 *
 * - crashes: an uncaught exception or unhandled rejection in the process;
 * - unplanned 5xx: any 5xx (chaos a request turned on is turned off again
 *   before the worker's next request, so none is planned);
 * - non-Stripe bodies: an error answer that is not Stripe's envelope (JSON
 *   `{ "error": { type, message, ... } }` with a Request-Id), a success that
 *   is not JSON;
 * - dropped connections: a connection the server closed (or reset) after an
 *   answer that did not say `Connection: close`, or before answering;
 * - unanswered: no answer within the wait;
 * - writes on rejected requests: a 4xx (other than a 402 decline) whose
 *   request recorded an event, i.e. changed something before it was refused.
 *
 * Each worker owns its namespaces; only worker 0 sends requests to shared
 * ones (no header, odd header values), so chaos turned on by one worker never
 * reaches another's requests.
 */
import fc from "fast-check";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startPaperTiger, type PaperTiger } from "../../src/index.js";
import { RawConnection, type RawHttpResponse } from "../helpers/raw-http.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chainFor, LOOPBACK_URLS, RECEIVER_PORT, requestArb, routesOf, type FuzzRequest, type Latest, type Ref, type Value } from "./requests.js";

/** What must stay at zero. */
/** Routes whose 2xx answer is a file, not JSON: its content type and how its bytes start. */
const FILE_ROUTES: Readonly<Record<string, { readonly type: string; readonly magic: string }>> = {
  "GET /v1/quotes/:id/pdf": { type: "application/pdf", magic: "%PDF-" },
};

export interface FuzzCounts {
  crashes: number;
  unplanned5xx: number;
  nonStripeBodies: number;
  droppedConnections: number;
  unanswered: number;
  writesOnRejected: number;
  nonLoopbackWebhooks: number;
}

export interface FuzzReport {
  readonly requests: number;
  readonly seed: number;
  readonly counts: FuzzCounts;
  /** Answers by status. */
  readonly statuses: Readonly<Record<string, number>>;
  /**
   * Routes that answered a 2xx at least once, of all routes: how deep the run went. `counts`: 2xx answers
   * per route; `never`: the routes that had none (those of `NEVER_2XX` have a stated reason).
   */
  readonly routesServed: { readonly served: number; readonly of: number; readonly never: readonly string[]; readonly counts: Readonly<Record<string, number>> };
  /** HTTP requests sent: the drawn ones, the chain steps before them, and the opening sweep. */
  readonly sent: number;
  /** A few failing requests per count, described. */
  readonly examples: Readonly<Record<keyof FuzzCounts, string[]>>;
  readonly durationMs: number;
  /** The longest the event loop was blocked, in ms: how long one request held every other. */
  readonly maxEventLoopDelayMs: number;
  /** The slowest answers (ms from sending to the whole answer), slowest first: where a long block came from. */
  readonly slowest: readonly { readonly ms: number; readonly request: string }[];
}

export interface FuzzOptions {
  readonly requests: number;
  readonly seed: number;
  /** Workers sending at once. Default 4. */
  readonly concurrency?: number;
  /** Examples kept per count. Default 5. */
  readonly maxExamples?: number;
  /** Called every `progressEvery` requests. */
  readonly onProgress?: (done: number, counts: Readonly<FuzzCounts>) => void;
  readonly progressEvery?: number;
}

const BATCH = 500;
/** How long an answer may take: longer than the server's request timeout below, which cuts requests that never finish arriving. */
const ANSWER_WAIT_MS = 15_000;
/** Routes that do bulk work on purpose (billing years of renewals, waiting for deliveries) get longer. */
const BULK = /^\/(_time\/advance|_webhooks\/|_chaos\/(config|events\/flush|cleanup)|v1\/test_helpers\/test_clocks\/[^/]+\/advance)/;
/** Longer than the longest a flush or resend may be asked to wait (120 s), which then answers. */
const BULK_WAIT_MS = 150_000;
/** Requests per worker before it moves to fresh namespaces. */
const ROTATE_EVERY = 2_500;
/** Below the server's keep-alive timeout (72 s), with a margin. */
const IDLE_CLOSE_MS = 60_000;
const KEY = "sk_test_fuzz";
// A prefix of one or two words (`cus_`, `sub_sched_`, `cs_test_`).
const ID = /^([a-z]+(?:_[a-z]+)?)_[A-Za-z0-9]{6,}$/;
const ERROR_TYPES = new Set(["api_error", "card_error", "idempotency_error", "invalid_request_error"]);
const CHAOS_ROUTES = new Set(["POST /_chaos/config", "PUT /_chaos/config"]);

/** Runs `requests` generated requests against a fresh server and reports the counts. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const counts: FuzzCounts = { crashes: 0, unplanned5xx: 0, nonStripeBodies: 0, droppedConnections: 0, unanswered: 0, writesOnRejected: 0, nonLoopbackWebhooks: 0 };
  const examples = Object.fromEntries(Object.keys(counts).map((k) => [k, [] as string[]])) as unknown as Record<keyof FuzzCounts, string[]>;
  const maxExamples = options.maxExamples ?? 5;
  const note = (what: keyof FuzzCounts, text: string) => {
    counts[what]++;
    if (process.env.FUZZ_DEBUG) console.error(`!! ${what} (loop delay max ${Math.round(lag.max / 1e6)} ms, retries owed ${pt.runtime.webhooks.pendingRetries}): ${text.slice(0, 600)}`);
    if (examples[what].length < maxExamples) examples[what].push(text.slice(0, 1500));
  };
  const onCrash = (err: unknown) => note("crashes", String((err as Error)?.stack ?? err));
  // Webhook endpoints the run creates point here (or at a refused port): most answer at once, as apps do.
  const receiver = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url?.startsWith("/fail") ? 500 : 200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverPort = String((receiver.address() as AddressInfo).port);
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const pt = await startPaperTiger({
    port: 0,
    seed: options.seed,
    clock: { mode: "manual", start: Date.parse("2026-06-01T00:00:00Z") },
    // Short, so requests that never finish arriving are cut quickly; long enough that a busy moment
    // (a years-long advance billing every namespace) does not cut requests that did arrive.
    timeouts: { requestTimeout: 5_000, headersTimeout: 3_000 },
    webhookDelivery: { timeoutMs: 1_000 },
  });
  const writers = new Set<string>();
  const unsubscribe = pt.runtime.services.events.subscribe((_ns, event) => {
    if (event.request.id) writers.add(event.request.id);
  });
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  const statuses: Record<string, number> = {};
  const served = new Map<string, number>();
  const namespaces = new Set<string>(["global"]);
  const concurrency = options.concurrency ?? 4;
  let next = 0;
  let done = 0;
  let batchIndex = -1;
  let batch: FuzzRequest[] = [];
  let arb: fc.Arbitrary<FuzzRequest> | undefined;
  // First, one chain per route: every route gets a well-formed request past validation, whatever is drawn after.
  const sweep = routesOf(pt.runtime).flatMap((r) => chainFor(r) ?? []);
  let swept = 0;
  const counter = { sent: 0, slowest: [] as { ms: number; request: string }[] };

  // Requests are drawn in seeded batches, in one order, whichever worker sends them; the sweep's are not counted.
  const draw = (): { req: FuzzRequest; counted: boolean } | undefined => {
    if (swept < sweep.length) return { req: sweep[swept++]!, counted: false };
    if (next >= options.requests) return undefined;
    const i = next++;
    const b = Math.floor(i / BATCH);
    if (b !== batchIndex) {
      batchIndex = b;
      arb ??= requestArb(routesOf(pt.runtime));
      batch = fc.sample(arb, { seed: options.seed + b, numRuns: BATCH });
    }
    return { req: batch[i % BATCH]!, counted: true };
  };

  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        const worker = new Worker(pt, receiverPort, w, namespaces, writers, statuses, served, counter, note);
        for (let d = draw(); d !== undefined; d = draw()) {
          await worker.send(d.req);
          if (!d.counted) continue;
          done++;
          if (options.onProgress && done % (options.progressEvery ?? 10_000) === 0) options.onProgress(done, counts);
        }
        worker.close();
      }),
    );
    for (const ns of namespaces) {
      const endpoints = await pt.store.list<{ id: string; url: string }>(ns, "webhook_endpoint", { limit: 100 });
      for (const e of endpoints.data) {
        if (!LOOPBACK_URLS.some((u) => u.replace(RECEIVER_PORT, receiverPort) === e.url)) note("nonLoopbackWebhooks", `${ns}: ${e.id} ${e.url}`);
      }
    }
  } finally {
    unsubscribe();
    await pt.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
    lag.disable();
  }
  const routes = routesOf(pt.runtime).map((r) => `${r.method} ${r.path}`);
  const perRoute = Object.fromEntries(routes.map((r) => [r, served.get(r) ?? 0]));
  return {
    requests: done,
    seed: options.seed,
    counts,
    statuses,
    routesServed: { served: routes.filter((r) => served.has(r)).length, of: routes.length, never: routes.filter((r) => !served.has(r)), counts: perRoute },
    sent: counter.sent,
    examples,
    durationMs: Date.now() - started,
    maxEventLoopDelayMs: Math.round(lag.max / 1e6),
    slowest: counter.slowest,
  };
}

/** One worker: its own connection and namespaces, and the ids its requests created there. */
class Worker {
  #conn: RawConnection | undefined;
  /** The last answer kept the connection open: if it is gone now, that was a dropped connection. */
  #promisedOpen = false;
  #last = "";
  readonly #pools = new Map<string, Map<string, string[]>>();
  #own: readonly string[];
  #generation = 0;
  #sent = 0;
  /** When the last answer arrived: a connection idle past the keep-alive timeout is closed, as announced. */
  #lastAnswer = 0;

  constructor(
    readonly pt: PaperTiger,
    readonly receiverPort: string,
    readonly index: number,
    readonly namespaces: Set<string>,
    readonly writers: Set<string>,
    readonly statuses: Record<string, number>,
    readonly served: Map<string, number>,
    readonly counter: { sent: number; slowest: { ms: number; request: string }[] },
    readonly note: (what: keyof FuzzCounts, text: string) => void,
  ) {
    this.#own = this.#namespacesOf(0);
  }

  #namespacesOf(generation: number): readonly string[] {
    const names = [`fuzz-${this.index}-${generation}-a`, `fuzz-${this.index}-${generation}-b`];
    for (const ns of names) this.namespaces.add(ns);
    return names;
  }

  /**
   * Every so many requests the worker flushes its namespaces (through the API) and moves to new ones,
   * so the state every time advance bills stays bounded however long the run.
   */
  async #rotate(): Promise<void> {
    if (++this.#sent % ROTATE_EVERY !== 0) return;
    const conn = await RawConnection.open(this.pt.port);
    try {
      for (const ns of this.index === 0 ? [...this.#own, "global"] : this.#own) {
        await conn.send(`POST /_test/flush HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${KEY}\r\nx-paper-tiger-namespace: ${ns}\r\ncontent-length: 0\r\n\r\n`);
        const res = await conn.response({ timeoutMs: BULK_WAIT_MS });
        if (res.status !== 200) this.note("unanswered", `flush of ${ns} answered ${res.status} ${res.body}`);
      }
    } catch (err) {
      this.note("unanswered", `flush: ${(err as Error).message}`);
    } finally {
      conn.close();
    }
    this.#pools.clear();
    this.#own = this.#namespacesOf(++this.#generation);
  }

  async #connection(): Promise<RawConnection> {
    if (this.#conn && this.#conn.ending === undefined && this.#conn.writable) return this.#conn;
    const idle = Date.now() - this.#lastAnswer > IDLE_CLOSE_MS;
    if (this.#conn && this.#promisedOpen && !idle) this.note("droppedConnections", `closed while idle (${this.#conn.ending}) after: ${this.#last}`);
    this.#conn?.close();
    this.#promisedOpen = false;
    this.#conn = await RawConnection.open(this.pt.port);
    return this.#conn;
  }

  close(): void {
    this.#conn?.close();
  }

  /**
   * The namespace header to send: the worker's own namespaces, shared ones from worker 0 only. Chaos is
   * never configured in a shared namespace: `global`'s layer reaches every namespace, so other workers'
   * requests would meet it before it is turned off again.
   */
  #namespaceOf(req: FuzzRequest, salt: number): { header: string | null; ns: string } {
    // Mostly the first namespace, so requests meet the objects earlier requests created there.
    const own = this.#own[salt % 10 === 0 ? 1 : 0]!;
    if (req.namespace === undefined || this.index !== 0 || CHAOS_ROUTES.has(`${req.method} ${req.route}`)) return { header: own, ns: own };
    if (req.namespace === null || req.namespace === "") return { header: req.namespace, ns: "global" };
    return { header: req.namespace, ns: req.namespace };
  }

  #resolve(v: Value, ns: string): Value {
    if (Array.isArray(v)) return v.map((x) => this.#resolve(x, ns));
    if (v !== null && typeof v === "object") {
      if (typeof (v as Latest).$latest === "string" && Object.keys(v).length === 1) {
        const prefix = (v as Latest).$latest;
        return this.#pools.get(ns)?.get(prefix)?.at(-1) ?? `${prefix}_missing`;
      }
      if (typeof (v as Ref).$ref === "string" && typeof (v as Ref).pick === "number" && Object.keys(v).length === 2) {
        const r = v as Ref;
        const ids = this.#pools.get(ns)?.get(r.$ref);
        return ids?.length ? ids[r.pick % ids.length]! : `${r.$ref}_missing${r.pick % 97}`;
      }
      const out: Record<string, Value> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: this.#resolve(x, ns), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return typeof v === "string" && v.includes(RECEIVER_PORT) ? v.replace(RECEIVER_PORT, this.receiverPort) : v;
  }

  /** Remembers the ids of the live objects an answer holds (not ids it merely echoes). */
  #learn(json: unknown, ns: string, depth = 0): void {
    if (depth > 6 || json === null || typeof json !== "object") return;
    const o = json as { id?: unknown; object?: unknown; deleted?: unknown };
    const m = typeof o.id === "string" && typeof o.object === "string" && o.deleted !== true ? ID.exec(o.id) : null;
    if (m) {
      let pools = this.#pools.get(ns);
      if (!pools) this.#pools.set(ns, (pools = new Map()));
      const list = pools.get(m[1]!) ?? [];
      if (!list.includes(o.id as string)) list.push(o.id as string);
      if (list.length > 64) list.shift();
      pools.set(m[1]!, list);
    }
    for (const v of Object.values(json)) if (v !== null && typeof v === "object") this.#learn(v, ns, depth + 1);
  }

  /** Sends a request, after the chain of requests before it (each checked as any other). */
  async send(req: FuzzRequest): Promise<void> {
    await this.#rotate();
    const chained = req.before !== undefined;
    for (const step of req.before ?? []) await this.#sendOne(step, true);
    await this.#sendOne(req, chained);
  }

  /** `chained`: part of a chain, which keeps to the worker's first namespace, where its steps made their objects. */
  async #sendOne(req: FuzzRequest, chained: boolean): Promise<void> {
    this.counter.sent++;
    // Idle past the keep-alive timeout (a long bulk request of this worker's ran meanwhile): the server closed it, as announced.
    if (this.#conn && Date.now() - this.#lastAnswer > IDLE_CLOSE_MS) {
      this.#conn.close();
      this.#conn = undefined;
      this.#promisedOpen = false;
    }
    const salt = JSON.stringify(req.pathParams).length + req.route.length;
    const { header: nsHeader, ns } = this.#namespaceOf(req, chained ? 1 : salt);
    if (/^[A-Za-z0-9_.:-]{1,128}$/.test(ns)) this.namespaces.add(ns);
    const { bytes, head, summary } = encode(req, nsHeader, (v) => this.#resolve(v, ns));
    // Bytes that start no request leave a reused connection waiting for one (the keep-alive timeout applies):
    // garbage goes on a fresh connection, where the headers timeout answers it.
    if (req.damage.kind === "garbage" && this.#conn) {
      this.#conn.close();
      this.#conn = undefined;
      this.#promisedOpen = false;
    }
    const conn = await this.#connection();
    if (process.env.FUZZ_DEBUG) console.error(`[${this.index}] ${summary.slice(0, 200)}`);
    const sentAt = Date.now();
    await conn.send(bytes);
    let res: RawHttpResponse;
    try {
      res = await conn.response({ head, timeoutMs: BULK.test(req.route) ? BULK_WAIT_MS : ANSWER_WAIT_MS });
      this.#noteTime(Date.now() - sentAt, summary);
    } catch (err) {
      const ending = conn.ending;
      if (ending !== undefined) this.note("droppedConnections", `no answer, connection ${ending}: ${summary}${this.#promisedOpen ? ` (after: ${this.#last})` : ""}`);
      else this.note("unanswered", `${(err as Error).message}: ${summary}`);
      conn.close();
      this.#conn = undefined;
      this.#promisedOpen = false;
      return;
    }
    this.#lastAnswer = Date.now();
    this.#check(req, res, head, summary, ns);
    if (process.env.FUZZ_DEBUG) console.error(`[${this.index}]   -> ${res.status} ${res.json?.error?.message ?? ""}`.slice(0, 300));
    // A body one byte short leaves that byte on the socket: the server answers it on its own, after this
    // answer and with Connection: close (a 400, or the headers timeout's 408 for a method's first letter),
    // so the connection is not this worker's to reuse, whatever this answer said.
    this.#promisedOpen = res.headers.connection !== "close" && req.damage.kind !== "short_length";
    this.#last = `${summary.slice(0, 200)} -> ${res.status} connection: ${res.headers.connection}`;
    if (req.damage.kind === "short_length") {
      conn.close();
      this.#conn = undefined;
    } else if (!this.#promisedOpen) {
      // Said close: the server closes; never reuse the socket.
      await conn.ended(2_000);
      conn.close();
      this.#conn = undefined;
    }
    // A flushed namespace holds nothing any more.
    if ((req.route === "/_test/flush" || req.route === "/_chaos/cleanup") && res.status < 300) this.#pools.delete(ns);
    // Chaos a request turned on is turned off before this worker's next request.
    if (CHAOS_ROUTES.has(`${req.method} ${req.route}`) && res.status < 300) await this.#resetChaos(nsHeader, summary);
  }

  /** Keeps the ten slowest answers. */
  #noteTime(ms: number, summary: string): void {
    const slowest = this.counter.slowest;
    if (slowest.length >= 10 && ms <= slowest.at(-1)!.ms) return;
    slowest.push({ ms, request: summary.slice(0, 200) });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, 10);
  }

  /** Turns chaos off again, on a connection of its own (the worker's may carry what a damaged request left). */
  async #resetChaos(nsHeader: string | null, after: string): Promise<void> {
    const conn = await RawConnection.open(this.pt.port);
    try {
      const headers = [`authorization: Bearer ${KEY}`, "connection: close", ...(nsHeader ? [`x-paper-tiger-namespace: ${nsHeader}`] : [])];
      await conn.send(`DELETE /_chaos/config HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers.join("\r\n")}\r\n\r\n`);
      const res = await conn.response({ timeoutMs: BULK_WAIT_MS });
      if (res.status !== 200) this.note("unanswered", `chaos reset answered ${res.status} ${res.body} after: ${after}`);
    } catch (err) {
      this.note("unanswered", `chaos reset: ${(err as Error).message} after: ${after}`);
    } finally {
      conn.close();
    }
  }

  #check(req: FuzzRequest, res: RawHttpResponse, head: boolean, summary: string, ns: string): void {
    const s = String(res.status);
    this.statuses[s] = (this.statuses[s] ?? 0) + 1;
    const text = `${summary}\n  -> ${res.status} ${JSON.stringify(res.headers).slice(0, 300)} ${res.body.slice(0, 600)}`;
    if (res.status >= 500) this.note("unplanned5xx", text);
    const requestId = res.headers["request-id"];
    if (!requestId || !/^req_/.test(requestId)) this.note("nonStripeBodies", `no Request-Id: ${text}`);
    if (!head) {
      if (res.status >= 300) {
        const e = (res.json as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
        const envelope = res.json && typeof res.json === "object" && Object.keys(res.json).length === 1 && e && ERROR_TYPES.has(e.type as string) && typeof e.message === "string" && e.message.length > 0;
        if (!envelope || !/^application\/json/.test(res.headers["content-type"] ?? "")) this.note("nonStripeBodies", text);
      } else if (FILE_ROUTES[`${req.method} ${req.route}`] !== undefined) {
        // A file answer (a quote's PDF): its declared type, and the bytes that type starts with.
        const want = FILE_ROUTES[`${req.method} ${req.route}`]!;
        if (res.headers["content-type"] !== want.type || !res.body.startsWith(want.magic)) this.note("nonStripeBodies", `not ${want.type}: ${text}`);
        else this.served.set(`${req.method} ${req.route}`, (this.served.get(`${req.method} ${req.route}`) ?? 0) + 1);
      } else if (res.json === undefined || typeof res.json !== "object") {
        this.note("nonStripeBodies", `not JSON: ${text}`);
      } else {
        this.#learn(res.json, ns);
        if (req.method === "GET" || req.method === "POST" || req.method === "DELETE" || req.method === "PUT") this.served.set(`${req.method} ${req.route}`, (this.served.get(`${req.method} ${req.route}`) ?? 0) + 1);
      }
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 402 && requestId && this.writers.has(requestId)) this.note("writesOnRejected", text);
  }
}

const pctByte = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`;

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD); `keepBrackets` leaves [ and ] as they are. */
function pct(s: string, keepBrackets = false): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) || (keepBrackets && (c === "[" || c === "]")) ? c : pctByte(b);
  }
  return out;
}

/** Stripe's bracket notation, as stripe-node writes it (arrays indexed). */
function formEncode(v: Value, prefix: string, keepBrackets: boolean, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${pct(prefix, keepBrackets)}=`);
    v.forEach((x, i) => formEncode(x, `${prefix}[${i}]`, keepBrackets, out));
  } else if (v !== null && typeof v === "object") {
    const entries = Object.entries(v);
    if (entries.length === 0 && prefix) out.push(`${pct(prefix, keepBrackets)}=`);
    for (const [k, x] of entries) formEncode(x, prefix ? `${prefix}[${k}]` : k, keepBrackets, out);
  } else {
    out.push(`${pct(prefix, keepBrackets)}=${v === null ? "" : pct(String(v))}`);
  }
}

function form(v: Value, keepBrackets = false): string {
  if (v === null || typeof v !== "object") return v === null ? "" : pct(String(v));
  const out: string[] = [];
  formEncode(v, "", keepBrackets, out);
  return out.join("&");
}

/** The request as bytes on the wire, and a description of it. */
function encode(req: FuzzRequest, nsHeader: string | null, resolve: (v: Value) => Value): { bytes: Buffer; head: boolean; summary: string } {
  let path = req.route.replace(/:(\w+)/g, (_m, name: string) => {
    const v = resolve(req.pathParams[name] ?? "");
    return pct(typeof v === "string" ? v : JSON.stringify(v));
  });
  if (req.pathTwist === "slash") path += "/";
  else if (req.pathTwist === "upper") path = path.toUpperCase();
  else if (req.pathTwist === "double_slash") path = path.replace("/v1/", "/v1//");
  else if (req.pathTwist === "suffix") path += "/x";
  const params = resolve(req.params);
  const method = req.method;
  const bodyless = method === "GET" || method === "HEAD" || (method === "DELETE" && req.encoding !== "json");
  let query = "";
  let body: string | undefined;
  let contentType: string | null = null;
  if (bodyless || req.encoding === "query") {
    query = req.encoding === "form_malformed" ? req.malformed : form(params, req.encoding === "form_brackets_raw");
  } else {
    switch (req.encoding) {
      case "json":
        body = JSON.stringify(params);
        contentType = "application/json";
        break;
      case "json_malformed":
        body = req.malformed;
        contentType = "application/json";
        break;
      case "form_malformed":
        body = req.malformed;
        contentType = "application/x-www-form-urlencoded";
        break;
      case "other":
        body = form(params);
        contentType = req.contentType;
        break;
      default:
        body = form(params, req.encoding === "form_brackets_raw");
        contentType = "application/x-www-form-urlencoded";
    }
  }
  if (query) path += `?${query}`;
  const headers: string[] = ["host: 127.0.0.1"];
  if (req.auth !== null) headers.push(`authorization: ${req.auth}`);
  if (nsHeader !== null) headers.push(`x-paper-tiger-namespace: ${nsHeader}`);
  if (req.idempotencyKey !== null) headers.push(`idempotency-key: ${req.idempotencyKey}`);
  if (req.stripeVersion !== null) headers.push(`stripe-version: ${req.stripeVersion}`);
  for (const [k, v] of req.extraHeaders) headers.push(`${k}: ${v}`);
  if (contentType !== null) headers.push(`content-type: ${contentType}`);
  let version = "HTTP/1.1";
  let payload = body === undefined ? "" : Buffer.from(body, "utf8").toString("latin1");
  let length: number | undefined = body === undefined ? undefined : payload.length;
  const d = req.damage;
  switch (d.kind) {
    case "raw_path":
      path = path.replace(/^\/(v1\/|_)?/, (m) => m + d.bytes);
      break;
    case "bad_chunked":
      headers.push("transfer-encoding: chunked");
      payload = d.body;
      length = undefined;
      break;
    case "chunked":
      headers.push("transfer-encoding: chunked");
      payload = payload.length ? `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n` : "0\r\n\r\n";
      length = undefined;
      break;
    case "short_length":
      if (length) length -= 1;
      break;
    case "long_length":
      length = (length ?? 0) + 5;
      break;
    case "huge_header":
      headers.push(`x-big: ${"a".repeat(20_000)}`);
      break;
    case "http10":
      version = "HTTP/1.0";
      break;
    case "bad_header":
      headers.push(d.bytes);
      break;
    default:
      break;
  }
  if (length !== undefined) headers.push(`content-length: ${length}`);
  const text = d.kind === "garbage" ? d.bytes : `${method} ${path} ${version}\r\n${headers.join("\r\n")}\r\n\r\n${payload}`;
  const summary = `${method} ${path.slice(0, 300)} [${req.encoding}${d.kind !== "none" ? `, ${d.kind}` : ""}] ns=${nsHeader} ${contentType ?? ""} ${payload.slice(0, 300)}`;
  // A request that expects an interim answer, or an HTTP/1.0 one, is answered in full all the same; HEAD answers carry no body.
  return { bytes: Buffer.from(text, "latin1"), head: method === "HEAD", summary };
}
