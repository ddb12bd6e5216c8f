/**
 * @module accounts/controller
 * An account's `type` and its `controller` properties, each derived from the
 * other as Stripe's "Migrate to controller properties" guide tabulates them:
 * a `type` sets the controller of that type, and a `controller` whose
 * properties match one of the three types answers that type (else `none`).
 * The payer of an Express or Custom account's fees reads
 * `application_express` / `application_custom` (stripe-node's enum for
 * `controller.fees.payer`).
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import { ConnectErrors } from "../../kernel/errors/index.js";

/** An account's controller as answered. */
export type Controller = Wire<Stripe.Account.Controller>;
/** The legacy account types a platform may create. */
export type AccountType = "standard" | "express" | "custom";

/** The controller properties each type stands for (Stripe's guide to controller properties). */
interface Properties {
  readonly fees: string;
  readonly losses: string;
  readonly collection: string;
  readonly dashboard: string;
}

const TYPES: Readonly<Record<AccountType, Properties & { readonly payer: string }>> = {
  standard: { fees: "account", losses: "stripe", collection: "stripe", dashboard: "full", payer: "account" },
  express: { fees: "application", losses: "application", collection: "stripe", dashboard: "express", payer: "application_express" },
  custom: { fees: "application", losses: "application", collection: "application", dashboard: "none", payer: "application_custom" },
};

function controllerOf(p: Properties, payer: string): Controller {
  return {
    type: "application",
    is_controller: true,
    fees: { payer },
    losses: { payments: p.losses },
    requirement_collection: p.collection,
    stripe_dashboard: { type: p.dashboard },
  };
}

/** The controller of an account created with `type`. */
export function controllerOfType(type: AccountType): Controller {
  const t = TYPES[type];
  return controllerOf(t, t.payer);
}

/** The `controller` parameter as given on create. */
export interface ControllerParams {
  readonly fees?: { readonly payer?: string };
  readonly losses?: { readonly payments?: string };
  readonly requirement_collection?: string;
  readonly stripe_dashboard?: { readonly type?: string };
}

/**
 * The type and controller of an account created with `controller`: Stripe's
 * defaults for what is left out (`account`, `stripe`, `stripe`, `full`), the
 * combinations the parameter descriptions forbid refused.
 */
export function fromController(given: ControllerParams): { type: AccountType | "none"; controller: Controller } {
  const p: Properties = {
    fees: given.fees?.payer ?? "account",
    losses: given.losses?.payments ?? "stripe",
    collection: given.requirement_collection ?? "stripe",
    dashboard: given.stripe_dashboard?.type ?? "full",
  };
  if (p.losses === "application" && p.fees !== "application") throw ConnectErrors.lossesNeedApplicationFees();
  if (p.collection === "application" && (p.dashboard !== "none" || p.losses !== "application")) throw ConnectErrors.applicationCollectionNeedsNoDashboard();
  if (p.dashboard === "express" && (p.fees !== "application" || p.losses !== "application")) throw ConnectErrors.expressDashboardNeedsApplication();
  const type = (Object.keys(TYPES) as AccountType[]).find((t) => {
    const o = TYPES[t];
    return o.fees === p.fees && o.losses === p.losses && o.collection === p.collection && o.dashboard === p.dashboard;
  });
  return { type: type ?? "none", controller: controllerOf(p, type ? TYPES[type].payer : p.fees) };
}
