/**
 * @module lazy-table
 * A generated table of JSON texts by key, parsed entry by entry on first use
 * and kept: the server pays only for the operations and objects it serves.
 */

/** A reader of `table`: the parsed entry for a key, or undefined if the table has none. */
export function lazyTable<T>(table: Readonly<Record<string, string>>): (key: string) => T | undefined {
  const parsed = new Map<string, T>();
  return (key) => {
    let value = parsed.get(key);
    if (value !== undefined) return value;
    if (!Object.hasOwn(table, key)) return undefined;
    value = JSON.parse(table[key]!) as T;
    parsed.set(key, value);
    return value;
  };
}
