/**
 * @module ordered-list
 * An append-mostly list of entries sorted by insertion sequence, with lazy
 * deletion. Pages are found by binary search and walked from there, so a page
 * costs O(log n + page) however long the list is.
 */

/** One stored object and its place in the global insertion order. */
export interface Entry {
  obj: { readonly id: string; readonly created?: number };
  readonly seq: number;
  removed: boolean;
}

export class OrderedList {
  entries: Entry[] = [];
  /** Entries still in `entries` that no longer belong (removed, or moved to another index key). */
  dead = 0;
  /** True while `created` never decreases along the list, which allows binary search on time. */
  createdMonotonic = true;

  /** Appends, or inserts in sequence order when the entry is older than the tail. */
  add(entry: Entry): void {
    const last = this.entries[this.entries.length - 1];
    let at: number;
    if (!last || last.seq < entry.seq) {
      at = this.entries.length;
      this.entries.push(entry);
    } else {
      at = this.lowerBoundSeq(entry.seq);
      if (this.entries[at] === entry) return;
      this.entries.splice(at, 0, entry);
    }
    if (this.createdMonotonic) {
      const c = entry.obj.created ?? 0;
      const before = this.entries[at - 1];
      const after = this.entries[at + 1];
      if ((before && (before.obj.created ?? 0) > c) || (after && (after.obj.created ?? 0) < c)) this.createdMonotonic = false;
    }
  }

  /** Index of the first entry whose seq is >= `seq`. */
  lowerBoundSeq(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first entry whose `created` is >= `t` (or > `t` when `strict`). Needs `createdMonotonic`. */
  lowerBoundCreated(t: number, strict: boolean): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.entries[mid]!.obj.created ?? 0;
      if (strict ? c <= t : c < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops dead entries once they make up more than half of the list. */
  maybeCompact(isLive: (e: Entry) => boolean): void {
    if (this.dead < 32 || this.dead * 2 < this.entries.length) return;
    this.entries = this.entries.filter(isLive);
    this.dead = 0;
    this.createdMonotonic = true;
    for (let i = 1; i < this.entries.length; i++) {
      if ((this.entries[i]!.obj.created ?? 0) < (this.entries[i - 1]!.obj.created ?? 0)) {
        this.createdMonotonic = false;
        break;
      }
    }
  }
}
