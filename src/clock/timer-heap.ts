/**
 * @module timer-heap
 * The timers of a clock, earliest first (ties in the order they were set),
 * in a binary heap: setting, cancelling and firing each cost O(log n), so an
 * advance that fires tens of thousands of timers (webhook retries owed after
 * a long outage) takes milliseconds rather than holding the server.
 * Cancelled timers stay in the heap until they reach the top.
 */

/** What the heap orders by; `cancelled` timers are skipped. */
export interface HeapTimer {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
}

const before = (a: HeapTimer, b: HeapTimer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class TimerHeap<T extends HeapTimer> {
  readonly #items: T[] = [];
  #live = 0;

  /** Timers set and neither fired nor cancelled. */
  get size(): number {
    return this.#live;
  }

  push(timer: T): void {
    const items = this.#items;
    items.push(timer);
    this.#live++;
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** Marks a timer cancelled; it is dropped when it reaches the top. Unknown or spent timers are ignored. */
  cancel(timer: T): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.#live--;
  }

  /** The earliest live timer, or `undefined`. */
  peek(): T | undefined {
    this.#dropCancelled();
    return this.#items[0];
  }

  /** Removes and answers the earliest live timer, or `undefined`. */
  pop(): T | undefined {
    this.#dropCancelled();
    const top = this.#items[0];
    if (top === undefined) return undefined;
    this.#removeTop();
    this.#live--;
    // Spent: a later cancel of it changes nothing.
    top.cancelled = true;
    return top;
  }

  #dropCancelled(): void {
    while (this.#items.length > 0 && this.#items[0]!.cancelled) this.#removeTop();
  }

  #removeTop(): void {
    const items = this.#items;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}
