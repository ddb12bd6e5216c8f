/**
 * @module relation-keys
 * The keys of relations between resource modules, and what a context reads of
 * them. A lower module declares its keys as constants beside its code (a hook
 * for a moment others may follow, a port for an answer it needs from a higher
 * module); the higher module supplies them in its `relate(r)` (see
 * `relations`), and the lower one reaches them at run time through
 * `ctx.services.relations`, never by importing the higher module.
 *
 * Keys are immutable and the same for every server; what they are bound to
 * is held per server, by its registry.
 */

/**
 * A moment a module announces (`customers.beforeDelete`), with the arguments
 * its listeners get. Any number of modules follow it, or none; listeners run
 * one after another, in the order of the modules in the registry.
 */
export interface Hook<A extends readonly unknown[]> {
  readonly kind: "hook";
  /** `<module>.<moment>`, the module being the one that declares it. */
  readonly name: string;
  /** Only carries the type of the listeners' arguments; never set. */
  readonly args?: A;
}

/**
 * Something a module needs and a module after it in the registry provides
 * (`customers.testClockTime`, provided by test clocks): exactly one
 * implementation per server. A required port that no module provides stops
 * the server from starting; an optional one (its type includes `undefined`)
 * may stay unprovided, and the module that reads it says what its absence means.
 */
export interface Port<T> {
  readonly kind: "port";
  /** `<module>.<need>`, the module being the one that declares it (the server's own ports: `server.<need>`). */
  readonly name: string;
  /** Whether the server may start without a provider. */
  readonly optional: boolean;
  /** Only carries the type of the implementation; never set. */
  readonly type?: T;
}

/** Any hook or port, as `declare` takes them. */
export type RelationKey = Hook<readonly unknown[]> | Port<unknown>;

/** Declares a hook named `name` (`<module>.<moment>`). */
export function hook<A extends readonly unknown[]>(name: string): Hook<A> {
  return Object.freeze({ kind: "hook", name });
}

/** Declares a required port named `name` (`<module>.<need>`). */
export function port<T>(name: string): Port<T> {
  return Object.freeze({ kind: "port", name, optional: false });
}

/** Declares an optional port: reading it answers `undefined` on a server where nothing provides it. */
export function optionalPort<T>(name: string): Port<T | undefined> {
  return Object.freeze({ kind: "port", name, optional: true });
}

/** What a module reads of its server's relations at run time (`ctx.services.relations`). */
export interface Relations {
  /** Runs the listeners of `hook`, one after another in module order; resolves when the last has. */
  emit<A extends readonly unknown[]>(hook: Hook<A>, ...args: A): Promise<void>;
  /** The implementation provided for `port` (`undefined` for an optional port nothing provides). */
  port<T>(port: Port<T>): T;
}
