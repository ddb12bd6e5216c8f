/**
 * @module accounts/requirements
 * What a connected account still owes and what it may do meanwhile, as one
 * pure function of the account. Which fields a new test-mode account has
 * `currently_due`:
 *
 * - an account whose dashboard is Stripe's full one (Standard): Stripe's own
 *   example account object (the `account` fixture of stripe/openapi) lists
 *   `business_profile.product_description`, `business_profile.support_phone`,
 *   `business_profile.url`, `external_account`, `tos_acceptance.date`,
 *   `tos_acceptance.ip`;
 * - Express and Custom accounts: `business_profile.mcc`,
 *   `business_profile.url`, `business_type`, `external_account`,
 *   `tos_acceptance.date`, `tos_acceptance.ip`. This is an assumption, from
 *   Stripe's Custom-accounts guide as remembered: the guide also lists the
 *   representative's or individual's details, which paper-tiger does not model
 *   (the `individual`, `company` and persons parameters are refused), so they
 *   are not asked for.
 *
 * The fields are due at once (`past_due` too, disabled reason
 * `requirements.past_due`), nothing is pending verification (test mode
 * verifies at once), and once nothing is due every requested capability is
 * `active` and charges and payouts are enabled. A rejected account keeps its
 * `rejected.*` reason and has nothing enabled.
 */
import type { Stripe, Wire } from "../../stripe/types.js";

/** An account as stored and returned. */
export type Account = Wire<Stripe.Account>;
type Requirements = NonNullable<Account["requirements"]>;

/** How each requirement is met, by its field name. */
const MET: Readonly<Record<string, (a: Account) => boolean>> = {
  "business_profile.mcc": (a) => Boolean(a.business_profile?.mcc),
  "business_profile.product_description": (a) => Boolean(a.business_profile?.product_description),
  "business_profile.support_phone": (a) => Boolean(a.business_profile?.support_phone),
  "business_profile.url": (a) => Boolean(a.business_profile?.url),
  business_type: (a) => Boolean(a.business_type),
  external_account: (a) => (a.external_accounts?.data.length ?? 0) > 0,
  "tos_acceptance.date": (a) => a.tos_acceptance?.date != null,
  "tos_acceptance.ip": (a) => Boolean(a.tos_acceptance?.ip),
};

/** What a new account is asked for, by the dashboard it has. */
const ASKED: Readonly<Record<string, readonly string[]>> = {
  full: ["business_profile.product_description", "business_profile.support_phone", "business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
  express: ["business_profile.mcc", "business_profile.url", "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
  none: ["business_profile.mcc", "business_profile.url", "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
};

/** Requirements with nothing owed. */
export function noRequirements(): Requirements {
  return { alternatives: [], current_deadline: null, currently_due: [], disabled_reason: null, errors: [], eventually_due: [], past_due: [], pending_verification: [] };
}

/** The fields the account still owes. */
export function dueFields(a: Account): string[] {
  const asked = ASKED[a.controller?.stripe_dashboard?.type ?? "full"] ?? ASKED.full!;
  return asked.filter((field) => !MET[field]!(a));
}

/** Whether the account was rejected by its platform. */
export function isRejected(a: Account): boolean {
  return a.requirements?.disabled_reason?.startsWith("rejected.") ?? false;
}

/** The account with its requirements, capability statuses and what it may do, derived from the rest of it. */
export function withRequirements(a: Account): Account {
  const due = dueFields(a);
  const rejected = isRejected(a);
  const requirements: Requirements = {
    ...noRequirements(),
    currently_due: due,
    eventually_due: due,
    past_due: due,
    disabled_reason: rejected ? a.requirements!.disabled_reason : due.length > 0 ? "requirements.past_due" : null,
  };
  const ready = due.length === 0 && !rejected;
  const capabilities: Record<string, string> = {};
  for (const name of Object.keys(a.capabilities ?? {})) capabilities[name] = ready ? "active" : "inactive";
  return {
    ...a,
    requirements,
    future_requirements: noRequirements(),
    capabilities: capabilities as Account["capabilities"],
    charges_enabled: ready && capabilities.card_payments === "active",
    payouts_enabled: ready,
    details_submitted: due.length === 0,
  };
}
