/**
 * @module relations
 * How one resource module reaches another without importing it: hooks, ports
 * and includes, declared by the lower module and supplied by the higher one in
 * its `relate(r)`, once per server, when that server's registry is built.
 * The members (`on`, `provide`, `include`) come with the relations themselves;
 * until then modules and the registry code against this interface.
 */

/** What a module's `relate(r)` receives: one per server. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no relation is declared yet; the members arrive with the first one
export interface Relate {}
