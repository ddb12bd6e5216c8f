/**
 * Fills a running server's store in-process, through the same resource code
 * the API runs (so every customer has its event too), without HTTP.
 */
import type { PaperTiger } from "../../src/index.js";
import type * as Context from "../../src/kernel/context.js";
import type * as Customers from "../../src/resources/customers.js";
import { load } from "./target.js";

type CustomerParams = Parameters<typeof Customers.createCustomer>[1];

/** Creates `count` customers in `ns`; resolves the id of the last one. */
export async function seedCustomers(pt: PaperTiger, ns: string, count: number, from = 0): Promise<string> {
  // Loaded when first used, not at import: bench/run.ts imports this module before it rebuilds dist/.
  const { createContext } = await load<typeof Context>("kernel/context.js");
  const { createCustomer } = await load<typeof Customers>("resources/customers.js");
  const ctx = createContext(pt.runtime.services, ns, null, null);
  let last = "";
  for (let i = from; i < from + count; i++) {
    const params = { email: `user${i}@example.com`, name: `User ${i}`, metadata: { order: String(i) } } as unknown as CustomerParams;
    last = (await createCustomer(ctx, params)).id;
  }
  return last;
}
