/**
 * @module relations
 * How one resource module reaches another without importing it: hooks, ports
 * and includes (keys in `relation-keys`), declared by the lower module and
 * supplied by the higher one in its `relate(r)`, once per server, when that
 * server's registry is built. Nothing is wired at import, so two servers in
 * one process share no relation, and the order is the registry's: modules
 * relate in the order they are listed, a module may only follow or provide
 * what a module before it (or itself) declared, and hook listeners run in
 * that order. Once every module has related, {@link ServerRelations.ready}
 * checks that each required port has its provider; a server whose relations
 * are incomplete does not start.
 */
import type { Hook, Port, RelationKey, Relations } from "./relation-keys.js";
import type { ExpandTarget, Include, Includable, Resource, StripeObject } from "./resource.js";

/** What a module's `relate(r)` receives: its own view of its server's relations. */
export interface Relate {
  /** The name of the module relating. */
  readonly module: string;
  /**
   * Declares the hooks this module emits and the ports it reads, before any
   * later module follows or provides them. Each key is named after this
   * module (`customers.beforeDelete` for `customers`) and declared once.
   */
  declare(...keys: readonly RelationKey[]): void;
  /** Follows a hook that this module or one before it declared; listeners run in module order. */
  on<A extends readonly unknown[]>(hook: Hook<A>, listener: NoInfer<(...args: A) => Promise<void>>): void;
  /**
   * Provides a port, once per server: a required port that this module or
   * one before it declared, or an optional port (which needs no declaration).
   */
  provide<T>(port: Port<T>, impl: Exclude<T, undefined>): void;
  /**
   * Computes a field of a resource that only appears when expanded (a lower
   * module's list the higher one holds, such as `customer.subscriptions`),
   * keeping the item type the resource declares for it unless `items` names
   * one. Once per field and server; it replaces the resource's own default.
   */
  include<T extends StripeObject>(resource: Resource<T>, field: string, compute: Includable<T>, items?: ExpandTarget): void;
}

type Listener = (...args: readonly unknown[]) => Promise<void>;

/** The relations of one server: filled by its modules' `relate(r)`, checked by {@link ready}, then read. */
export class ServerRelations implements Relations {
  /** Each declared key and the module that declared it. */
  readonly #declared = new Map<RelationKey, string>();
  readonly #listeners = new Map<Hook<readonly unknown[]>, Listener[]>();
  readonly #provided = new Map<Port<unknown>, { readonly module: string; readonly impl: unknown }>();
  /** By object name, then field: what `include` added. */
  readonly #includes = new Map<string, Map<string, Include<StripeObject>>>();
  #ready = false;

  /** The view `relate(r)` of `module` gets; it refuses everything once the relations are ready. */
  relate(module: string): Relate {
    const open = (what: string): void => {
      if (this.#ready) throw new Error(`Module ${module} relates (${what}) after its server's relations were checked: relations are declared in relate(r), while the registry is built`);
    };
    const known = (key: RelationKey, what: string): void => {
      if (!this.#declared.has(key)) {
        throw new Error(`Module ${module} ${what} ${key.kind} ${key.name}, which no module before it declares (modules relate in registry order, the declaring module first)`);
      }
    };
    return {
      module,
      declare: (...keys) => {
        open("declare");
        for (const key of keys) {
          if (!key.name.startsWith(`${module}.`)) throw new Error(`Module ${module} declares ${key.kind} ${key.name}: a module's hooks and ports are named ${module}.<name>`);
          const by = this.#declared.get(key);
          if (by !== undefined) throw new Error(`The ${key.kind} ${key.name} is declared twice, by ${by} and by ${module}`);
          this.#declared.set(key, module);
        }
      },
      on: (hook, listener) => {
        open("on");
        known(hook, "follows");
        const list = this.#listeners.get(hook as Hook<readonly unknown[]>);
        if (list) list.push(listener as Listener);
        else this.#listeners.set(hook as Hook<readonly unknown[]>, [listener as Listener]);
      },
      provide: (port, impl) => {
        open("provide");
        if (!port.optional) known(port, "provides");
        const by = this.#provided.get(port);
        if (by !== undefined) throw new Error(`The port ${port.name} is provided twice, by ${by.module} and by ${module}`);
        this.#provided.set(port, { module, impl });
      },
      include: (resource, field, compute, items) => {
        open("include");
        let fields = this.#includes.get(resource.object);
        if (!fields) this.#includes.set(resource.object, (fields = new Map()));
        if (fields.has(field)) throw new Error(`Module ${module} includes ${resource.object}.${field}, which another module already includes`);
        const declared = items ?? resource.includable.get(field)?.items;
        const computed = compute as unknown as Includable<StripeObject>;
        fields.set(field, declared === undefined ? { compute: computed } : { compute: computed, items: declared });
      },
    };
  }

  /**
   * The readiness check, once every module has related: every required port
   * declared has its provider. Throws one error naming every port missing;
   * from then on nothing more may relate.
   */
  ready(): void {
    const missing: string[] = [];
    for (const [key, by] of this.#declared) {
      if (key.kind === "port" && !key.optional && !this.#provided.has(key)) missing.push(`${key.name} (declared by ${by})`);
    }
    if (missing.length) throw new Error(`No module provides the port${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: the server cannot start without ${missing.length > 1 ? "them" : "it"}`);
    this.#ready = true;
  }

  async emit<A extends readonly unknown[]>(hook: Hook<A>, ...args: A): Promise<void> {
    const listeners = this.#listeners.get(hook as Hook<readonly unknown[]>);
    if (listeners === undefined) return;
    for (const listener of listeners) await listener(...args);
  }

  port<T>(port: Port<T>): T {
    const provided = this.#provided.get(port as Port<unknown>);
    if (provided !== undefined) return provided.impl as T;
    if (port.optional) return undefined as T;
    throw new Error(`No module of this server provides the port ${port.name}`);
  }

  /** The computation `include` added for `resource.field`, if any. */
  included(resource: Resource<StripeObject>, field: string): Include<StripeObject> | undefined {
    return this.#includes.get(resource.object)?.get(field);
  }
}
