/**
 * A plain reference model of the Store contract (arrays walked from end to
 * end, nothing clever) and a seeded driver that runs the same random
 * operations against a store and the model, comparing every answer. Long
 * runs of removals and index moves make the real store compact its lists and
 * lose and regain time order, which hand-written cases rarely reach.
 */
import assert from "node:assert/strict";
import { CursorNotFoundError, type ListQuery, type RangeFilter, type Store } from "../../src/store/store.js";

export interface ModelObj {
  id: string;
  created: number;
  group?: string;
  tag?: string | null;
  n: number;
}

interface ModelEntry {
  obj: ModelObj;
  seq: number;
}

interface ModelCollection {
  live: Map<string, ModelEntry>;
  tombstones: Map<string, { id: string }>;
}

const INDEXES: Record<string, (o: ModelObj) => string | null | undefined> = {
  by_group: (o) => o.group,
  by_tag: (o) => o.tag,
};

const inRange = (t: number, r: RangeFilter) =>
  (r.gt === undefined || t > r.gt) && (r.gte === undefined || t >= r.gte) && (r.lt === undefined || t < r.lt) && (r.lte === undefined || t <= r.lte);

/** What the contract says a store answers, computed the slow way. */
class Model {
  readonly spaces = new Map<string, { colls: Map<string, ModelCollection>; kv: Map<string, Map<string, unknown>> }>();
  seq = 0;
  readonly indexed = new Set(["things"]);

  coll(ns: string, c: string): ModelCollection | undefined {
    return this.spaces.get(ns)?.colls.get(c);
  }

  space(ns: string) {
    let s = this.spaces.get(ns);
    if (!s) {
      s = { colls: new Map(), kv: new Map() };
      this.spaces.set(ns, s);
    }
    return s;
  }

  tidy(ns: string): void {
    const s = this.spaces.get(ns);
    if (!s) return;
    for (const [name, c] of s.colls) if (c.live.size === 0 && c.tombstones.size === 0) s.colls.delete(name);
    for (const [name, b] of s.kv) if (b.size === 0) s.kv.delete(name);
    if (s.colls.size === 0 && s.kv.size === 0) this.spaces.delete(ns);
  }

  insert(ns: string, c: string, obj: ModelObj): void {
    const s = this.space(ns);
    let coll = s.colls.get(c);
    if (!coll) {
      coll = { live: new Map(), tombstones: new Map() };
      s.colls.set(c, coll);
    }
    if (coll.live.has(obj.id) || coll.tombstones.has(obj.id)) throw new Error(`${c} ${obj.id} already exists in namespace ${ns}`);
    coll.live.set(obj.id, { obj, seq: ++this.seq });
  }

  replace(ns: string, c: string, obj: ModelObj): void {
    const e = this.coll(ns, c)?.live.get(obj.id);
    if (!e) throw new Error(`${c} ${obj.id} does not exist in namespace ${ns}`);
    e.obj = obj;
  }

  remove(ns: string, c: string, id: string, tombstone?: { id: string }): boolean {
    const coll = this.coll(ns, c);
    if (!coll?.live.has(id)) return false;
    coll.live.delete(id);
    if (tombstone) coll.tombstones.set(id, tombstone);
    this.tidy(ns);
    return true;
  }

  get(ns: string, c: string, id: string): unknown {
    const coll = this.coll(ns, c);
    return coll?.live.get(id)?.obj ?? coll?.tombstones.get(id);
  }

  members(coll: ModelCollection, c: string, q: Omit<ListQuery<ModelObj>, "limit">): ModelEntry[] {
    if (q.where && !(this.indexed.has(c) && q.where.index in INDEXES)) throw new Error(`No index "${q.where.index}" declared for this collection`);
    return [...coll.live.values()]
      .filter((e) => !q.where || INDEXES[q.where.index]!(e.obj) === q.where.value)
      .filter((e) => !q.created || inRange(e.obj.created, q.created))
      .filter((e) => !q.filter || q.filter(e.obj))
      .sort((a, b) => a.seq - b.seq);
  }

  list(ns: string, c: string, q: ListQuery<ModelObj>): { data: ModelObj[]; hasMore: boolean } {
    const coll = this.coll(ns, c);
    const cursorId = q.startingAfter ?? q.endingBefore;
    let cursor: ModelEntry | undefined;
    if (cursorId !== undefined) {
      cursor = coll?.live.get(cursorId);
      if (!cursor) throw new CursorNotFoundError(q.startingAfter !== undefined ? "starting_after" : "ending_before", cursorId);
    }
    if (!coll) return { data: [], hasMore: false };
    const all = this.members(coll, c, q);
    if (q.endingBefore !== undefined) {
      const newer = all.filter((e) => e.seq > cursor!.seq);
      return { data: newer.slice(0, q.limit).reverse().map((e) => e.obj), hasMore: newer.length > q.limit };
    }
    const older = all.filter((e) => !cursor || e.seq < cursor.seq).reverse();
    return { data: older.slice(0, q.limit).map((e) => e.obj), hasMore: older.length > q.limit };
  }

  count(ns: string, c: string, q: Omit<ListQuery<ModelObj>, "limit">): number {
    const coll = this.coll(ns, c);
    return coll ? this.members(coll, c, q).length : 0;
  }
}

/** A small seeded generator (mulberry32), so a failing run can be replayed by its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

/** Runs `steps` random operations against `store` and the model; `outOfOrder` is how often an object is created with an earlier time. */
export async function runAgainstModel(store: Store, seed: number, steps: number, outOfOrder: number): Promise<void> {
  const r = rng(seed);
  const model = new Model();
  store.defineCollection("things", { indexes: { by_group: INDEXES.by_group! } });
  // A second declaration adds its indexes to the first one's.
  store.defineCollection("things", { indexes: { by_tag: INDEXES.by_tag! } });
  store.defineCollection("plain", {});
  const spaces = ["a", "b"] as const;
  const colls = ["things", "things", "plain"] as const;
  const ids: string[] = [];
  let clock = 1000;
  let made = 0;

  /** Runs one operation on both sides: same value, or the same error. */
  const both = async <T>(what: string, real: () => Promise<T>, modelled: () => T) => {
    let expected: { ok: T } | { err: Error };
    try {
      expected = { ok: modelled() };
    } catch (e) {
      expected = { err: e as Error };
    }
    try {
      const got = await real();
      assert.ok("ok" in expected, `${what}: expected ${"err" in expected ? expected.err.message : ""}, got ${JSON.stringify(got)}`);
      assert.deepEqual(got, expected.ok, what);
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.ok("err" in expected, `${what}: unexpected ${String(e)}`);
      assert.equal((e as Error).constructor, expected.err.constructor, what);
      assert.equal((e as Error).message, expected.err.message, what);
    }
  };

  const someId = () => (ids.length > 0 && r.next() < 0.9 ? r.pick(ids) : `x${r.int(5)}`);
  const someTime = () => {
    const known = ids.length > 0 ? (model.get(r.pick(spaces), "things", r.pick(ids)) as ModelObj | undefined) : undefined;
    return (known?.created ?? clock) + r.pick([-1, 0, 0, 1]);
  };
  const someRange = (): RangeFilter | undefined => {
    if (r.next() < 0.4) return undefined;
    const range: RangeFilter = {};
    for (const k of ["gt", "gte", "lt", "lte"] as const) if (r.next() < 0.35) range[k] = someTime();
    return range;
  };
  const someObj = (id: string): ModelObj => ({
    id,
    created: r.next() < outOfOrder ? clock - 1 - r.int(40) : (clock += r.int(3)),
    ...(r.next() < 0.85 ? { group: r.pick(["g0", "g1", "g2"]) } : {}),
    ...(r.next() < 0.5 ? { tag: r.pick(["t0", "t1", null]) } : {}),
    n: r.int(10),
  });

  for (let step = 0; step < steps; step++) {
    const late = step > steps / 2;
    // Mostly one namespace, so its lists grow long enough to compact.
    const ns = r.next() < 0.85 ? "a" : "b";
    const c = r.pick(colls);
    const op = r.next();
    const at = `seed ${seed} step ${step}`;
    if (op < (late ? 0.15 : 0.4)) {
      const id = r.next() < 0.05 && ids.length > 0 ? r.pick(ids) : `o${made++}`;
      if (!ids.includes(id)) ids.push(id);
      const obj = someObj(id);
      await both(`${at} insert ${ns}/${c} ${id}`, () => store.insert(ns, c, obj), () => model.insert(ns, c, obj));
    } else if (op < (late ? 0.35 : 0.6)) {
      const obj = someObj(someId());
      // A replace keeps the object's time: only its index keys and fields move.
      const current = model.get(ns, c, obj.id) as ModelObj | undefined;
      if (current?.created !== undefined && "n" in current) obj.created = current.created;
      await both(`${at} replace ${ns}/${c} ${obj.id}`, () => store.replace(ns, c, obj), () => model.replace(ns, c, obj));
    } else if (op < (late ? 0.7 : 0.72)) {
      const id = someId();
      const tomb = r.next() < 0.3 ? { id } : undefined;
      await both(`${at} remove ${ns}/${c} ${id}`, () => store.remove(ns, c, id, tomb), () => model.remove(ns, c, id, tomb));
    } else if (op < 0.92) {
      const q: ListQuery<ModelObj> = { limit: 1 + r.int(6) };
      const where = r.next();
      if (where < 0.35) q.where = { index: "by_group", value: r.pick(["g0", "g1", "g2", "g9"]) };
      else if (where < 0.5) q.where = { index: "by_tag", value: r.pick(["t0", "t1"]) };
      else if (where < 0.53) q.where = { index: "nope", value: "g0" };
      const range = someRange();
      if (range) q.created = range;
      if (r.next() < 0.25) q.filter = (o) => o.n % 2 === 0;
      const cur = r.next();
      if (cur < 0.3) q.startingAfter = someId();
      else if (cur < 0.55) q.endingBefore = someId();
      await both(`${at} list ${ns}/${c} ${JSON.stringify(q)}`, () => store.list(ns, c, q), () => model.list(ns, c, q));
      if (r.next() < 0.3) {
        const { limit: _l, startingAfter: _s, endingBefore: _e, ...cq } = q;
        await both(`${at} count ${ns}/${c} ${JSON.stringify(cq)}`, () => store.count(ns, c, cq), () => model.count(ns, c, cq));
      }
    } else if (op < 0.97) {
      const id = someId();
      await both(`${at} get ${ns}/${c} ${id}`, () => store.get(ns, c, id), () => model.get(ns, c, id));
    } else {
      const bucket = r.pick(["k1", "k2"]);
      const key = r.pick(["a", "b", "c"]);
      const kind = r.int(4);
      const kv = () => model.space(ns).kv.get(bucket) ?? new Map<string, unknown>();
      if (kind === 0) {
        await both(`${at} kvSet`, () => store.kvSet(ns, bucket, key, step), () => void model.space(ns).kv.set(bucket, kv().set(key, step)));
      } else if (kind === 1) {
        await both(`${at} kvSetIfAbsent`, () => store.kvSetIfAbsent(ns, bucket, key, step), () => {
          const b = kv();
          const had = b.get(key);
          if (!b.has(key)) b.set(key, step);
          model.space(ns).kv.set(bucket, b);
          return had;
        });
      } else if (kind === 2) {
        await both(`${at} kvDelete`, () => store.kvDelete(ns, bucket, key), () => {
          model.spaces.get(ns)?.kv.get(bucket)?.delete(key);
          model.tidy(ns);
        });
      } else {
        const odd = (v: number) => v % 2 === 1;
        await both(`${at} kvPrune`, () => store.kvPrune<number>(ns, bucket, odd), () => {
          const b = model.spaces.get(ns)?.kv.get(bucket);
          let n = 0;
          for (const [k, v] of b ?? []) {
            if (!odd(v as number)) continue;
            b!.delete(k);
            n++;
          }
          model.tidy(ns);
          return n;
        });
      }
      await both(`${at} kvGet`, () => store.kvGet(ns, bucket, key), () => model.spaces.get(ns)?.kv.get(bucket)?.get(key));
    }
    if (step % 25 === 0) assert.deepEqual((await store.namespaces()).sort(), [...model.spaces.keys()].sort(), `${at} namespaces`);
  }
  // Every collection, walked page by page in both directions, agrees in the end.
  for (const ns of spaces) {
    for (const c of ["things", "plain"]) {
      const q = { limit: 1000 };
      assert.deepEqual(await store.list(ns, c, q), model.list(ns, c, q), `seed ${seed}: final ${ns}/${c}`);
    }
  }
}
