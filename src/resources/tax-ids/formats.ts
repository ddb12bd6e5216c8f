/**
 * @module tax-ids/formats
 * What Stripe checks and derives from a tax ID's type and value, as tables:
 * the value's format, the country, and how verification starts.
 *
 * Source: Stripe's "Customer tax IDs" guide
 * (https://docs.stripe.com/billing/customer/tax-ids): the example value of
 * each type, which types Stripe verifies with a government register (EU VAT
 * with VIES, GB VAT with HMRC, Australian ABNs with the ABR; the others are
 * not verified), and the test-mode magic numbers. The patterns follow the
 * examples, with separators optional where the example has them; a type not
 * listed takes any value (Stripe's format for it is not known here).
 */

/** `verification.status` as Stripe answers it. */
export type VerificationStatus = "pending" | "unavailable" | "unverified" | "verified";

/** What a type's value looks like: one pattern, or one per two-letter prefix (EU VAT numbers). */
interface Format {
  readonly pattern?: RegExp;
  /** Prefix → the rest of the value; the prefix also gives the country. */
  readonly prefixed?: Readonly<Record<string, RegExp>>;
  /** Verified with a government register: `pending` until it answers, else `unavailable`. */
  readonly registered?: true;
  /** Test-mode magic numbers decide the verification (Stripe: EU VAT and ABN only). */
  readonly magic?: true;
  /** The country when it is not the type's prefix (`us_ein` → `US`). */
  readonly country?: string;
}

/** EU VAT numbers by country prefix (EL is Greece, XI Northern Ireland), the rest of the value after it. */
const EU_VAT: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{12}$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

/** The countries whose VAT prefix is not their ISO code. */
const PREFIX_COUNTRY: Readonly<Record<string, string>> = { EL: "GR", XI: "GB" };

const SWISS = String.raw`CHE-?\d{3}\.?\d{3}\.?\d{3}`;

/** The formats Stripe documents, by type. */
const FORMATS: Readonly<Record<string, Format>> = {
  ad_nrt: { pattern: /^[A-Z]-?\d{6}-?[A-Z]$/ },
  ae_trn: { pattern: /^\d{15}$/ },
  au_abn: { pattern: /^\d{11}$/, registered: true, magic: true },
  au_arn: { pattern: /^\d{12}$/ },
  br_cnpj: { pattern: /^\d{2}\.?\d{3}\.?\d{3}\/?\d{4}-?\d{2}$/ },
  br_cpf: { pattern: /^\d{3}\.?\d{3}\.?\d{3}-?\d{2}$/ },
  ca_bn: { pattern: /^\d{9}$/ },
  ca_gst_hst: { pattern: /^\d{9}RT\d{4}$/ },
  ca_qst: { pattern: /^\d{10}TQ\d{4}$/ },
  ch_uid: { pattern: new RegExp(`^${SWISS}( ?HR)?$`) },
  ch_vat: { pattern: new RegExp(`^${SWISS} ?(MWST|TVA|IVA)$`) },
  cl_tin: { pattern: /^\d{1,2}\.?\d{3}\.?\d{3}-?[\dK]$/ },
  es_cif: { pattern: /^[A-Z0-9]\d{7}[A-Z0-9]$/ },
  eu_oss_vat: { pattern: /^EU\d{9}$/, country: "EU" },
  eu_vat: { prefixed: EU_VAT, registered: true, magic: true },
  gb_vat: { pattern: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/, registered: true },
  hk_br: { pattern: /^\d{8}$/ },
  in_gst: { pattern: /^\d{2}[A-Z]{5}\d{4}[A-Z][A-Z0-9]Z[A-Z0-9]$/ },
  jp_cn: { pattern: /^\d{13}$/ },
  jp_trn: { pattern: /^T\d{13}$/ },
  kr_brn: { pattern: /^\d{3}-?\d{2}-?\d{5}$/ },
  mx_rfc: { pattern: /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/ },
  no_vat: { pattern: /^\d{9}MVA$/ },
  nz_gst: { pattern: /^\d{2,3}-?\d{3}-?\d{3}$/ },
  ru_inn: { pattern: /^(\d{10}|\d{12})$/ },
  ru_kpp: { pattern: /^\d{9}$/ },
  sa_vat: { pattern: /^\d{15}$/ },
  th_vat: { pattern: /^\d{13}$/ },
  tw_vat: { pattern: /^\d{8}$/ },
  us_ein: { pattern: /^\d{2}-?\d{7}$/ },
  za_vat: { pattern: /^4\d{9}$/ },
};

/** Stripe's test-mode magic numbers (the number after an EU VAT prefix, or the whole ABN). */
const MAGIC: Readonly<Record<string, VerificationStatus>> = {
  "000000000": "verified",
  "111111111": "unverified",
  "222222222": "pending",
};

/** What a valid tax ID implies. */
export interface TaxIdFacts {
  readonly country: string;
  /** The status a new tax ID starts with. */
  readonly initial: VerificationStatus;
  /** The status verification ends with, when it changes (test-mode magic numbers). */
  readonly outcome?: VerificationStatus;
}

/** The facts of a tax ID, or `undefined` when its value is not in the type's format. */
export function taxIdFacts(type: string, value: string): TaxIdFacts | undefined {
  const format = FORMATS[type] ?? {};
  const initial: VerificationStatus = format.registered ? "pending" : "unavailable";
  if (format.prefixed) {
    const prefix = value.slice(0, 2);
    const rest = value.slice(2);
    const pattern = Object.hasOwn(format.prefixed, prefix) ? format.prefixed[prefix] : undefined;
    const magic = format.magic && Object.hasOwn(MAGIC, rest) ? MAGIC[rest] : undefined;
    if (!pattern || (!magic && !pattern.test(rest))) return undefined;
    return withOutcome({ country: PREFIX_COUNTRY[prefix] ?? prefix, initial }, magic);
  }
  const magic = format.magic && Object.hasOwn(MAGIC, value) ? MAGIC[value] : undefined;
  if (format.pattern && !magic && !format.pattern.test(value)) return undefined;
  return withOutcome({ country: format.country ?? type.slice(0, type.indexOf("_")).toUpperCase(), initial }, magic);
}

function withOutcome(facts: TaxIdFacts, magic: VerificationStatus | undefined): TaxIdFacts {
  return magic && magic !== facts.initial ? { ...facts, outcome: magic } : facts;
}
