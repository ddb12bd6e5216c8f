/**
 * @module sepa-debit
 * SEPA Direct Debit as the legacy Sources API takes it: IBANs (checked as
 * banks check them, ISO 13616's mod-97), the bank details Stripe shows for
 * one, and Stripe's test IBANs with what each does to a charge.
 *
 * A SEPA debit is not decided at once as a card payment is: its charge is
 * created `pending` and settles later, to `succeeded` or `failed` (Stripe's
 * SEPA Direct Debit Sources guide, "Testing"). Payment chaos decides at
 * creation like everywhere else, and a chaos decline shows when the charge
 * settles, as a bank's refusal would.
 */
import { createHash } from "node:crypto";

/** How a test IBAN's charges settle. */
export interface SepaBehaviour {
  readonly settles: "succeeded" | "failed";
  /** After how long, on the server clock. */
  readonly afterMs: number;
  /** Stripe opens a dispute right after the charge succeeds. */
  readonly disputed?: true;
}

/**
 * How long a plain test IBAN's charge stays `pending`. Stripe's guide says it
 * "transitions from pending to succeeded" without a figure; a few seconds
 * keeps the pending state observable, as for delayed refunds.
 */
export const SEPA_SETTLE_MS = 5_000;
/** Stripe's guide: the delayed test IBANs settle "after three minutes". */
export const SEPA_DELAYED_SETTLE_MS = 3 * 60_000;

/** Stripe's SEPA test IBANs (its Sources guide for SEPA Direct Debit, "Testing"); any other valid IBAN succeeds. */
const TEST_IBANS: Readonly<Record<string, SepaBehaviour>> = {
  AT611904300234573201: { settles: "succeeded", afterMs: SEPA_SETTLE_MS },
  AT321904300235473204: { settles: "succeeded", afterMs: SEPA_DELAYED_SETTLE_MS },
  AT861904300235473202: { settles: "failed", afterMs: SEPA_SETTLE_MS },
  AT051904300235473205: { settles: "failed", afterMs: SEPA_DELAYED_SETTLE_MS },
  AT591904300235473203: { settles: "succeeded", afterMs: SEPA_SETTLE_MS, disputed: true },
};

const SUCCEEDS: SepaBehaviour = { settles: "succeeded", afterMs: SEPA_SETTLE_MS };

/** IBAN lengths by country (ISO 13616 registry), for the SEPA countries. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GI: 23,
  GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28,
  PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

/** Where the bank and branch codes sit in a country's BBAN: [start, bank length, branch length] (ISO 13616 registry). */
const BBAN_CODES: Readonly<Record<string, readonly [number, number, number]>> = {
  AT: [0, 5, 0], BE: [0, 3, 0], DE: [0, 8, 0], ES: [0, 4, 4], FR: [0, 5, 5], IE: [0, 4, 6], IT: [1, 5, 5], LU: [0, 3, 0], NL: [0, 4, 0], PT: [0, 4, 4],
};

/** An IBAN as written, without spaces, upper case. */
export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, "").toUpperCase();
}

/** Whether a (normalized) IBAN is one of a SEPA country, of its length, with a valid mod-97 check. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) || IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

/** The bank details Stripe shows for an IBAN (a Source's `sepa_debit`, a charge's `payment_method_details.sepa_debit`). */
export interface SepaDetails {
  readonly bank_code: string | null;
  readonly branch_code: string | null;
  readonly country: string;
  readonly fingerprint: string;
  readonly last4: string;
}

/** The details of a valid, normalized IBAN. */
export function sepaDetails(iban: string): SepaDetails {
  const country = iban.slice(0, 2);
  const bban = iban.slice(4);
  const codes = BBAN_CODES[country];
  return {
    bank_code: codes ? bban.slice(codes[0], codes[0] + codes[1]) : null,
    branch_code: codes && codes[2] > 0 ? bban.slice(codes[0] + codes[1], codes[0] + codes[1] + codes[2]) : null,
    country,
    fingerprint: ibanFingerprint(iban),
    last4: iban.slice(-4),
  };
}

function ibanFingerprint(iban: string): string {
  const digest = createHash("sha256").update(`paper-tiger iban ${iban}`).digest();
  let out = "";
  for (let i = 0; out.length < 16; i++) out += BASE62[digest[i]! % 62];
  return out;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Test IBANs by fingerprint, so a stored Source (which keeps only the fingerprint) finds its behaviour. */
const BY_FINGERPRINT: ReadonlyMap<string, SepaBehaviour> = new Map(Object.entries(TEST_IBANS).map(([iban, b]) => [ibanFingerprint(iban), b]));

/** How charges of the account with this fingerprint settle. */
export function sepaBehaviourOf(fingerprint: string | null | undefined): SepaBehaviour {
  return (fingerprint ? BY_FINGERPRINT.get(fingerprint) : undefined) ?? SUCCEEDS;
}

/**
 * The failure a failed SEPA charge reports. Stripe's guide names no code for
 * the failing test IBANs; `insufficient_funds` is the most common return
 * reason for a direct debit (R-transaction AM04), and the messages are our
 * wording for a bank account, not a card.
 */
export function sepaFailure(code: string | undefined): { readonly code: string; readonly message: string } {
  const c = code ?? "insufficient_funds";
  return { code: c, message: SEPA_MESSAGES[c] ?? "The customer's bank refused the debit." };
}

const SEPA_MESSAGES: Readonly<Record<string, string>> = {
  insufficient_funds: "The customer's account has insufficient funds to cover this payment.",
  generic_decline: "The customer's bank refused the debit.",
};
