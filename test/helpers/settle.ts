/**
 * Waiting for work the server does after a timer fired (a settling refund, a
 * direct debit, available funds): a bounded number of event-loop turns, no
 * wall-clock wait, so a test stays independent of the machine's speed.
 */
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";

/** Resolves once `check` holds; fails the test after 200 turns of the event loop. */
export async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await tick();
  }
  assert.fail("the server did not settle");
}
