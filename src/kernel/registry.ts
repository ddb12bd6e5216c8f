/**
 * @module registry
 * The resources and endpoints one server serves. Expansion looks resources up
 * here by object name, so a resource never imports another to expand its ids.
 */
import type { Endpoint } from "./endpoint.js";
import type { Relations } from "./relation-keys.js";
import { ServerRelations, type Relate } from "./relations.js";
import type { Include, Resource, StripeObject } from "./resource.js";

/** A resource module: the resource it declares (if any) and its endpoints. */
export interface ResourceModule {
  /** Kebab-case, as its file or folder (`payment-intents`); the relations it supplies are named after it. */
  readonly name: string;
  readonly resources?: readonly Resource<StripeObject>[];
  readonly endpoints: readonly Endpoint[];
  /** Runs once when a server starts (declares collections, subscribes to events...). */
  readonly setup?: (registry: ResourceRegistry) => void;
  /**
   * Declares the hooks and ports this module offers and relates it to the
   * lower ones it reaches (see `relations`); runs once per server, in the
   * order of the modules, after every resource is registered.
   */
  readonly relate?: (r: Relate) => void;
}

/** Resources by object name, every endpoint, and the relations of the modules. */
export class ResourceRegistry {
  readonly #resources = new Map<string, Resource<StripeObject>>();
  readonly #relations = new ServerRelations();
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
    for (const m of modules) m.relate?.(this.#relations.relate(m.name));
    // The readiness check: a server whose relations are incomplete does not start.
    this.#relations.ready();
  }

  /** This registry's hooks and ports, which its server's contexts carry (`ctx.services.relations`). */
  get relations(): Relations {
    return this.#relations;
  }

  /** The field of `resource` that `expand[]=field` computes: what a module included, else the resource's own. */
  includable(resource: Resource<StripeObject>, field: string): Include<StripeObject> | undefined {
    return this.#relations.included(resource, field) ?? resource.includable.get(field);
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
