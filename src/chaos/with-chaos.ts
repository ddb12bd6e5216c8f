/**
 * @module with-chaos
 * Scoped chaos for users' tests: apply a config for the duration of a
 * function and restore the previous one afterwards, even when it throws.
 * Works with the in-process coordinator (or a namespace's view) and with
 * the HTTP {@link ChaosClient} alike.
 */
import type { ChaosConfig, ChaosConfigInput, EventChaosConfig, PaymentChaosConfig, ApiChaosConfig } from "./config.js";

/** Anything whose chaos layer can be read, merged into and replaced. */
export interface ChaosTarget {
  getLayer(): ChaosConfigInput | Promise<ChaosConfigInput>;
  configure(partial: ChaosConfigInput): ChaosConfig | Promise<ChaosConfig>;
  setLayer(layer: ChaosConfigInput): ChaosConfig | Promise<ChaosConfig>;
}

/**
 * Runs `fn` with `config` merged into the target's chaos, then restores the
 * layer it had before, whatever `fn` does.
 *
 * @example
 * ```ts
 * await withChaos(pt.chaos, { api: { error_rate: 0.5 } }, async () => {
 *   await checkout(); // must survive 5xx
 * });
 * ```
 */
export async function withChaos<T>(target: ChaosTarget, config: ChaosConfigInput, fn: () => T | Promise<T>): Promise<T> {
  const previous = await target.getLayer();
  await target.configure(config);
  try {
    return await fn();
  } finally {
    await target.setLayer(previous);
  }
}

/** {@link withChaos} for payment chaos only. */
export function withPaymentChaos<T>(target: ChaosTarget, payment: Partial<PaymentChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
  return withChaos(target, { payment }, fn);
}

/** {@link withChaos} for API chaos only. */
export function withApiChaos<T>(target: ChaosTarget, api: ChaosConfigInput["api"] & Partial<Pick<ApiChaosConfig, "timeout_ms">>, fn: () => T | Promise<T>): Promise<T> {
  return withChaos(target, { api }, fn);
}

/** {@link withChaos} for event chaos only. */
export function withEventChaos<T>(target: ChaosTarget, events: Partial<EventChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
  return withChaos(target, { events }, fn);
}
