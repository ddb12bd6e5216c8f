/**
 * @module registry
 * The resources and endpoints one server serves. Expansion looks resources up
 * here by object name, so a resource never imports another to expand its ids.
 */
import type { Endpoint } from "./endpoint.js";
import type { Relate } from "./relations.js";
import type { Resource, StripeObject } from "./resource.js";

/** A resource module: the resource it declares (if any) and its endpoints. */
export interface ResourceModule {
  /** Kebab-case, as its file or folder (`payment-intents`); the relations it supplies are named after it. */
  readonly name: string;
  readonly resources?: readonly Resource<StripeObject>[];
  readonly endpoints: readonly Endpoint[];
  /** Runs once when a server starts (declares collections, subscribes to events...). */
  readonly setup?: (registry: ResourceRegistry) => void;
  /** Relates the module to the lower ones it reaches; runs once per server, in the order of the modules, after every resource is registered. */
  readonly relate?: (r: Relate) => void;
}

/** Resources by object name, and every endpoint. */
export class ResourceRegistry {
  readonly #resources = new Map<string, Resource<StripeObject>>();
  readonly endpoints: Endpoint[] = [];

  constructor(modules: readonly ResourceModule[]) {
    const names = new Set<string>();
    for (const m of modules) {
      if (names.has(m.name)) throw new Error(`Resource module ${m.name} is listed twice`);
      names.add(m.name);
      for (const r of m.resources ?? []) {
        if (this.#resources.has(r.object)) throw new Error(`Resource ${r.object} is declared twice`);
        this.#resources.set(r.object, r);
      }
      this.endpoints.push(...m.endpoints);
    }
    const relate: Relate = {};
    for (const m of modules) m.relate?.(relate);
  }

  /** The resource for an object name (`customer`). */
  get(object: string): Resource<StripeObject> | undefined {
    return this.#resources.get(object);
  }

  /** Every registered resource. */
  all(): Resource<StripeObject>[] {
    return [...this.#resources.values()];
  }
}
