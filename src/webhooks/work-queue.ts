/**
 * @module work-queue
 * At most N items worked on at a time; the rest wait their turn in order as
 * plain data (no promise or closure per waiting item), so a receiver that
 * hangs while the API keeps recording events costs memory in proportion to
 * the events, not to the machinery around them.
 */
export class WorkQueue<T> {
  #active = 0;
  #items: (T | undefined)[] = [];
  #head = 0;
  #idle: Array<() => void> = [];

  /** `work` must not reject: a failure is the worker's to record. */
  constructor(
    readonly limit: number,
    private readonly work: (item: T) => Promise<void>,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${limit}`);
  }

  /** Items waiting or being worked on. */
  get size(): number {
    return this.#active + this.#items.length - this.#head;
  }

  /** Adds an item; it starts at once when a slot is free. */
  push(item: T): void {
    this.#items.push(item);
    this.#pump();
  }

  /** Resolves when nothing waits and nothing is being worked on. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.limit && this.#head < this.#items.length) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head++] = undefined;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
        // Drop the consumed front once it is most of the array.
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      this.#active++;
      void this.work(item).then(this.#settle, this.#settle);
    }
  }

  readonly #settle = (): void => {
    this.#active--;
    this.#pump();
    if (this.size === 0 && this.#idle.length > 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const resolve of waiters) resolve();
    }
  };
}
