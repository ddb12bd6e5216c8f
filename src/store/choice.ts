/**
 * @module choice
 * Which store a server keeps its state in, as `--store`, `PAPER_TIGER_STORE`
 * and the `store` option spell it: `memory` or `sqlite:<file>`. The SQLite
 * driver is imported only when a SQLite store is opened.
 */
import { MemoryStore } from "./memory-store.js";
import type { Store } from "./store.js";

/** A store named by text: `"memory"` (the default) or `"sqlite:<file>"` (created when absent). */
export type StoreChoice = "memory" | `sqlite:${string}`;

/** What a store choice accepts, as errors word it. */
export const STORE_CHOICES = `"memory" or "sqlite:<file>"`;

/** The parsed choice, or `undefined` when `text` is not one. */
export function parseStoreChoice(text: string): { kind: "memory" } | { kind: "sqlite"; file: string } | undefined {
  if (text === "memory") return { kind: "memory" };
  const sqlite = /^sqlite:(.+)$/.exec(text);
  return sqlite ? { kind: "sqlite", file: sqlite[1]! } : undefined;
}

/** Opens the store a choice names. */
export async function openStore(choice: StoreChoice): Promise<Store> {
  const parsed = parseStoreChoice(choice);
  if (!parsed) throw new TypeError(`A store must be ${STORE_CHOICES}, got ${JSON.stringify(choice)}`);
  if (parsed.kind === "memory") return new MemoryStore();
  const { openSqliteStore } = await import("./sqlite-store.js");
  return openSqliteStore(parsed.file);
}
