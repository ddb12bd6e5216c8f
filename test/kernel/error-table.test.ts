/**
 * The error table, entry by entry: every entry of every section is built with
 * sample arguments and must be Stripe-shaped (a status Stripe answers for its
 * type, one of Stripe's error types, a code from Stripe's list where it gives
 * one, a message that reads), and stripe-node, given the answer through its
 * own response handling, must raise the exception class a user would catch.
 * Behaviour that matters is provoked through the real server in the resource
 * and server tests; this walk covers every entry, including the ones no
 * request reaches yet.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Stripe from "stripe";
import { ERROR_TABLE, errorEnvelope, type StripeError } from "../../src/kernel/errors/index.js";

type Table = typeof ERROR_TABLE;
/** Sample arguments for every entry: a new entry without a sample does not compile. */
type Samples = { [S in keyof Table]: { [K in keyof Table[S]]: Table[S][K] extends (...args: infer A) => StripeError ? A : never } };

const PI = { id: "pi_123", object: "payment_intent" };
const SI = { id: "seti_123", object: "setup_intent" };
const PM = { id: "pm_123", object: "payment_method" };
const CYCLE = { interval: "month", count: 1 };

const SAMPLES: Samples = {
  api: {
    valueNotImplemented: ["owner[type]", "account"],
    taxIdInvalid: ["eu_vat", "value"],
    parameterUnknown: ["colour"],
    parameterMissing: ["currency"],
    parameterInvalidInteger: ["balance", "55.00"],
    parameterInvalidEmpty: ["balance"],
    parameterInvalidString: ["email", { a: "1" }],
    parameterInvalidBoolean: ["confirm", "maybe"],
    parameterInvalidDecimal: ["unit_amount_decimal", { x: 1 }],
    parameterInvalidEnum: ["tax_exempt", ["exempt", "none", "reverse"]],
    parameterInvalidHash: ["address"],
    parameterInvalidArray: ["expand"],
    arrayKeysNotSequential: ["expand", ["1"], 0],
    parameterNotImplemented: ["invoice_settings[footer]"],
    oneOfRequired: [["charge", "payment_intent"]],
    parameterNotAllowed: ["days_until_due", { collection_method: "send_invoice" }],
    taxBehaviorFixed: [],
    arrayTooLong: ["preferred_locales", 20],
    parameterTooLong: ["name", 150],
    parametersExclusive: ["starting_after", "ending_before"],
    integerOutOfRange: ["limit", 1, 100],
    resourceMissing: ["customer", "cus_nope"],
    unrecognizedUrl: ["POST", "/v1/nope"],
    operationNotImplemented: ["POST", "/v1/topups", "topups.create"],
    cannotExpand: ["colour"],
    expandTooDeep: ["a.b.c.d.e"],
    invalidSearchQuery: ["Invalid search query: email::"],
    metadataTooManyKeys: [],
    metadataKeyTooLong: ["k".repeat(41)],
    metadataKeyInvalid: ["a[b]"],
    metadataValueTooLong: ["note"],
    metadataValueInvalid: ["note"],
    invalidStripeVersion: ["2020-13-45"],
    invalidNamespace: ["a b"],
    malformedBody: ["the JSON could not be parsed"],
    malformedUrl: ["/v1/customers/%ff"],
    malformedHttp: ["HPE_INVALID_CHUNK_SIZE"],
    headersTooLarge: [16_384],
    expectationFailed: ["gzip"],
    requestTimeout: [1000, 500],
    bodyTooLarge: [1_048_576],
    unsupportedMediaType: ["text/plain"],
    noApiKey: [],
    invalidApiKey: ["sk_tset_abcd1234"],
    liveApiKey: ["sk_live_abcdefgh1234"],
    publishableApiKey: [],
    clientSecretMismatch: ["payment_intent", "PaymentIntent"],
    malformedAuthorization: [],
    idempotencyKeyTooLong: [],
    idempotencyMismatch: ["reused"],
    idempotencyOtherEndpoint: ["elsewhere", "POST /v1/customers"],
    idempotencyInFlight: ["busy"],
    internal: [],
  },
  dispute: {
    chargeDisputed: ["ch_123"],
    closed: ["du_123", "lost"],
    submitted: ["du_123"],
    underReview: ["du_123"],
  },
  payment: {
    invalidCurrency: ["usx"],
    sourceTypeNotImplemented: ["ideal"],
    sourceHashOfOtherType: ["card", "sepa_debit"],
    ibanInvalid: ["sepa_debit[iban]"],
    sepaCurrency: ["usd"],
    debitFailed: ["insufficient_funds", "The customer's account has insufficient funds to cover this payment.", "ch_123"],
    sepaNoManualCapture: [],
    amountTooSmall: [50, "usd"],
    amountTooLarge: ["usd"],
    confirmManualWithPublishableKey: ["pi_123"],
    confirmSucceeded: [PI],
    confirmWrongStatus: ["canceled", PI],
    confirmMissingPaymentMethod: ["cus_123", PI],
    onlyWithConfirm: ["return_url"],
    returnUrlRequired: [],
    captureWrongStatus: ["succeeded", PI],
    captureAlreadyCaptured: [PI],
    captureTooLarge: [2000, 1000],
    cancelWrongStatus: ["succeeded", PI],
    updateWrongStatus: ["succeeded", PI],
    authenticateWrongStatus: ["PaymentIntent", "succeeded"],
    paymentMethodOfOtherCustomer: ["pm_123", "cus_123"],
    paymentMethodAttachedElsewhere: [],
    paymentMethodNotAttached: [],
    defaultPaymentMethodNotAttached: ["pm_123"],
    paymentMethodSpent: [],
    paymentMethodUpdateUnattached: [],
    paymentMethodTypeUnsupported: ["ideal"],
    paymentMethodTypeNotAllowed: ["sepa_debit", ["card"]],
    mandateDataRequired: ["PaymentIntent", false],
    mandateOnlyWithConfirm: ["mandate"],
    mandateNotUsable: ["mandate_123", "pm_123"],
    setupConfirmWrongStatus: ["succeeded", SI],
    setupMissingPaymentMethod: [SI],
    setupUpdateWrongStatus: ["succeeded", SI],
    setupCancelWrongStatus: ["succeeded", SI],
    chargeAlreadyRefunded: ["ch_123"],
    chargeAlreadyCaptured: ["ch_123"],
    chargeFailedNoRefund: ["ch_123"],
    chargeCustomerSet: ["ch_123"],
    chargeCaptureFailed: ["ch_123"],
    refundTooLarge: [2000, 1000, "usd"],
    refundGreaterThanUnrefunded: [2000, 1000, "usd"],
    refundUncaptured: ["pi_123"],
    refundNothingToRefund: ["pi_123"],
    refundCancelWrongStatus: ["re_123", "succeeded"],
    refundTargetMissing: [],
    tokenAlreadyUsed: ["tok_123"],
    customerHasNoSource: [],
    chargeNeedsSource: [],
    sourceNotOfCustomer: ["card_123", "cus_123"],
    sourceAttachedElsewhere: [],
    sourceOfCustomer: ["src_123", "cus_123"],
    sourceNotChargeable: ["src_123", "consumed"],
  },
  payout: {
    balanceInsufficient: [],
    destinationMissing: ["ba_123"],
    cancelNotPending: ["po_123", "paid"],
    cancelAutomatic: ["po_123"],
    reversePending: ["po_123"],
    reverseNotPaid: ["po_123", "failed"],
    reverseAlreadyReversed: ["po_123", "po_456"],
    reverseOfReversal: ["po_123"],
  },
  connect: {
    accountInaccessible: ["sk_test_123456789", "acct_123"],
    lossesNeedApplicationFees: [],
    applicationCollectionNeedsNoDashboard: [],
    expressDashboardNeedsApplication: [],
    capabilityMissing: ["acct_123", "card_payments"],
    alreadyRejected: ["acct_123"],
    platformOnly: [],
    destinationMissing: ["acct_123"],
    destinationNeedsTransfers: [],
    transferBalanceInsufficient: [],
    reversalTooLarge: [2000, 1000, "usd"],
    feeRefundTooLarge: [200, 100, "usd"],
    applicationFeeNeedsConnect: [],
    moreThanPayment: ["application_fee_amount", 2000, 1000, "usd"],
    nothingToReverse: ["ch_123"],
    noApplicationFee: ["ch_123"],
    loginLinkNotExpress: ["acct_123"],
    reversalBalanceInsufficient: ["acct_123"],
  },
  card: {
    cardData: ["incorrect_number"],
    decline: ["insufficient_funds", "payment_intent", { charge: "ch_123", payment_intent: PI, payment_method: PM }],
    authenticationNotHandled: [{ payment_intent: PI, payment_method: PM }],
    authenticationFailed: ["setup_intent", PM],
  },
  invoice: {
    alreadyFinalized: [],
    notOpenForCollection: ["in_123", "paid"],
    alreadyPaid: [],
    cannotPay: ["draft"],
    noPaymentMethod: [],
    cannotVoid: ["in_123", "draft"],
    cannotMarkUncollectible: ["in_123", "draft"],
    cannotSend: ["in_123", "draft"],
    fieldNotEditable: ["description", "in_123", "open"],
    cannotDelete: ["in_123", "open"],
    otherCustomer: ["in_123"],
    itemsNotEditable: ["in_123", "open"],
  },
  invoicePreview: {
    noUpcoming: ["cus_123"],
  },
  automaticTax: {
    customerTaxLocationInvalid: [],
  },
  invoiceItem: {
    priceRecurring: ["price_123"],
    currencyMismatch: ["usd", "eur"],
  },
  taxRate: {
    inactive: ["txr_123", "default_tax_rates[0]"],
  },
  customerBalance: {
    currencyMismatch: ["eur", "usd"],
  },
  subscription: {
    daysUntilDueNotAllowed: [],
    notInFuture: ["trial_end"],
    paymentMethodNotAttached: ["pm_123", "default_payment_method"],
    priceNotRecurring: ["price_123", "items[0][price]"],
    priceInactive: ["price_123", "items[0][price]"],
    priceCurrency: ["price_123", "eur", "usd", "items[1][price]"],
    priceInterval: ["price_123", 1, "year", CYCLE, "items[1][price]"],
    duplicatePrice: ["price_123", "items[1][price]"],
    priceDataCurrency: [1, "usd"],
    priceDataInterval: [1, CYCLE],
    addItemRecurring: ["price_123", "add_invoice_items[0][price]"],
    anchorOutOfRange: [],
    firstPaymentRequiresAction: [],
    updatePaymentRequiresAction: [],
    alreadyEnded: ["canceled"],
    endedUpdate: ["items"],
    prorationDateOutside: [],
    noSuchItem: ["si_123", "items[0][id]"],
    lastItem: [],
    notPaused: ["active"],
    pendingUpdateParam: ["metadata"],
  },
  quote: {
    notDraft: ["qt_123", "open", "update"],
    noCustomer: [],
    expiresInPast: [],
    notOpen: ["qt_123", "draft"],
    expired: ["qt_123"],
    notCancelable: ["qt_123", "accepted"],
    priceInactive: ["price_123", "line_items[0][price]"],
    currencyMismatch: ["usd", "line_items[1][price]"],
    intervalMismatch: ["line_items[1][price]"],
    pdfOfDraft: ["qt_123"],
  },
  checkout: {
    recurringInPayment: ["line_items[0]"],
    noRecurringInSubscription: [],
    lineItemsInSetup: [],
    currencyMismatch: ["usd", "line_items[1]"],
    intervalMismatch: ["line_items[1]"],
    priceInactive: ["price_123", "line_items[0][price]"],
    expiresTooLate: [],
    expiresTooSoon: [],
    notExpirable: ["complete"],
    notOpen: ["cs_test_123", "expired"],
    onlyInModes: ["subscription_data", "`subscription`"],
    noCompatibleMethodType: ["payment", "usd"],
    notWithUiMode: ["success_url", "embedded_page"],
    nothingToPay: [],
    tooManyDiscounts: [],
    shippingRateInactive: ["shr_123", "shipping_options[0][shipping_rate]"],
    shippingCurrency: ["shr_123", "eur", "shipping_options[0][shipping_rate]"],
    promotionCodesNotAllowed: [],
    promotionCodeInvalid: ["SUMMER"],
    notAShippingOption: ["shr_123"],
    unknownTestCard: ["4111111111111112"],
    noChallenge: ["cs_test_1"],
  },
  paymentLink: {
    priceInactive: ["price_123", "line_items[0][price]"],
    currencyMismatch: ["usd", "line_items[1][price]"],
    intervalMismatch: ["line_items[1][price]"],
    adjustableBounds: ["line_items[0][adjustable_quantity]"],
    urlInvalid: ["after_completion[redirect][url]"],
    linkInactive: ["plink_123"],
  },
  billingPortal: {
    configurationInactive: ["bpc_123"],
    defaultNotDeactivatable: [],
    productsRequired: [],
    priceNotOfProduct: ["price_123", "prod_123", "features[subscription_update][products][0][prices][0]"],
    notAllowed: ["canceling subscriptions"],
    notTheCustomers: ["sub_123"],
    flowFeatureDisabled: ["subscription_cancel"],
    priceNotAllowed: ["price_123"],
  },
  customerSession: { noComponentEnabled: [] },
  subscriptionSchedule: {
    wrongStatus: ["update", "canceled"],
    fromSubscriptionWith: ["phases"],
    alreadyScheduled: ["sub_123", "sub_sched_123"],
    subscriptionEnded: ["sub_123", "canceled"],
    noPhases: [],
    phaseEnd: [0],
    phaseOrder: [1, 1_790_000_000],
    phaseStartGap: [1],
    currentPhaseStart: [1_790_000_000],
    trialEnd: [0],
    noItems: [0],
  },
  creditNote: {
    invoiceNotFinalized: ["in_123", "draft"],
    amountTooLarge: [6000, 5000],
    lineAmountTooLarge: [3000, 2000, "lines[0][amount]"],
    amountMismatch: [1000, 1500],
    nothingToCredit: [],
    zeroTotal: [],
    sumMismatch: [500, 1000],
    noChargeToRefund: ["in_123"],
    refundNotOfInvoice: ["re_123", "in_123", "refunds[0][refund]"],
    lineNotOnInvoice: ["il_123", "in_123", "lines[0][invoice_line_item]"],
    lineParamNotAllowed: ["unit_amount", "invoice_line_item", "lines[0][unit_amount]"],
    voidInvoiceNotOpen: ["cn_123", "paid"],
    alreadyVoid: ["cn_123"],
  },
  testClock: {
    advancing: [],
    notAfterFrozenTime: [1_767_225_600],
    cannotAdvance: ["it would pass the largest time paper-tiger keeps"],
  },
  price: {
    tiersNotTiered: [],
    customUnitAmountRecurring: ["custom_unit_amount"],
    unitAmountWithTiers: [],
    lastTierNotInf: [1],
    intervalTooLong: [36, "month", "recurring[interval_count]"],
    lookupKeyTaken: ["price_123"],
  },
  plan: {
    alreadyExists: [],
  },
  product: {
    invalidId: ["a b", "id"],
    alreadyExists: ["id"],
    defaultPriceOtherProduct: ["price_123", "prod_1", "prod_2"],
    defaultPriceInactive: ["price_123"],
    hasPrices: [],
  },
  coupon: {
    noDiscount: [],
    bothDiscounts: [],
    amountWithoutCurrency: [],
    repeatingWithoutMonths: [],
    monthsWithoutRepeating: ["once"],
    percentTooSmall: [0],
    percentTooLarge: [150],
    alreadyExists: [],
    timestampPast: ["redeem_by", 1000],
    foreverAmountOff: [],
  },
  promotionCode: {
    codeTaken: ["SPRING"],
    codeInvalid: ["has spaces!"],
    couponMissing: [],
    couponInvalid: ["SPRING25"],
    expiresAfterRedeemBy: [1_767_225_600],
    maxRedemptionsAboveCoupon: [50],
    cannotReactivate: ["promo_123"],
    minimumWithoutCurrency: [],
    reactivateTaken: ["SPRING"],
  },
  discount: {
    couponExpired: ["SPRING25", "discounts[0][coupon]"],
    couponUsedUp: ["SPRING25", "discounts[0][coupon]"],
    couponCurrency: ["FIVE", "usd", "eur", "discounts[0][coupon]"],
    promotionCodeInactive: ["SPRING", "discounts[0][promotion_code]"],
    promotionCodeCustomer: ["discounts[0][promotion_code]"],
    promotionCodeNotFirstTime: ["discounts[0][promotion_code]"],
    promotionCodeMinimum: ["discounts[0][promotion_code]"],
    foreverAmountOff: ["FIVE", "discounts[0][coupon]"],
    oneSource: ["discounts[0]"],
    duplicate: ["discounts[1][coupon]"],
    noDiscount: ["subscription", "sub_123"],
  },
  webhookEndpoint: {
    urlNotAbsolute: ["nope", "url"],
    urlScheme: ["ftp://x", "url"],
    noEvents: [],
    unknownEvent: [0, "nope.happened"],
    invalidApiVersion: ["yesterday"],
    secretMalformed: [],
  },
  event: {
    wildcardInTypes: [],
  },
  chaos: {
    rateLimited: [],
    serverError: [503],
    configInvalid: ["api.rate must be a number between 0 and 1", "api.rate"],
  },
  control: {
    controlTokenRequired: ["POST /_time/advance"],
    controlTokenInvalid: [],
    advanceOneAmount: [["seconds", "days"]],
    timeBackwards: [1_700_000_000, 1_767_225_600],
    advanceRefused: ["it would pass the largest time paper-tiger keeps", "days"],
    clockNotAdvanceable: [],
    dashboardQuery: ["unclosed quote in \"ada"],
    dashboardLimit: [10_000],
    journalOff: [],
  },
};

/**
 * The statuses Stripe answers each error type with (Stripe's docs, "HTTP status code summary" and
 * "Error types"): 402 for card errors and for requests that were valid but failed (e.g.
 * `payment_behavior=error_if_incomplete`); 409 for an idempotency key in use; 429 for rate limits;
 * 5xx for Stripe's own failures. The HTTP-level refusals (408, 413, 415, 417, 431) are answered by
 * paper-tiger's HTTP layer, where Stripe's edge answers before the API does; they keep Stripe's envelope.
 */
const STATUSES: Readonly<Record<string, readonly number[]>> = {
  invalid_request_error: [400, 401, 402, 403, 404, 429, 408, 413, 415, 417, 431],
  card_error: [402],
  idempotency_error: [400, 409],
  api_error: [500, 502, 503, 504],
};

/** Codes the table answers that are not in stripe-node's list of Stripe error codes. */
const CODES_NOT_IN_STRIPE_LIST: Readonly<Record<string, string>> = {
  chaos_config_invalid: "paper-tiger's control plane (/_chaos): Stripe has no such route",
  invoice_already_paid: "Stripe answers 'Invoice is already paid' as a 400 invalid_request_error; its code is not in the SDK's list (unverified)",
  test_clock_advancing: "not in the SDK's list (unverified)",
  subscription_payment_intent_invalid_parameter: "not in the SDK's list (unverified)",
  insufficient_capabilities_for_transfer: "Stripe's answer to a transfer to an account without the transfers capability, as public integrations record it; not in the SDK's list",
  parameter_invalid_string: "not in the SDK's list, which has parameter_invalid_string_blank and _empty (unverified)",
};

/** Stripe's error codes as stripe-node types them (the `code` of a PaymentIntent's `last_payment_error`, generated from Stripe's spec). */
function stripeErrorCodes(): Set<string> {
  const root = resolve(import.meta.dirname, "../../node_modules/stripe");
  const text = readFileSync(join(root, "esm/resources/PaymentIntents.d.ts"), "utf8");
  const m = /namespace LastPaymentError \{\s*type Code = ([^;]+);/.exec(text);
  assert.ok(m, "stripe-node still types LastPaymentError.Code");
  return new Set([...m[1]!.matchAll(/'([a-z0-9_]+)'/g)].map((x) => x[1]!));
}

/** The class stripe-node raises for a v1 error (its documented rules: the status first, then the type). */
function expectedClass(status: number, type: string, code: string | undefined): new (...args: never[]) => Error {
  if (status === 429 || (status === 400 && code === "rate_limit")) return Stripe.errors.StripeRateLimitError;
  if ((status === 400 || status === 404) && type === "idempotency_error") return Stripe.errors.StripeIdempotencyError;
  if (status === 400 || status === 404) return Stripe.errors.StripeInvalidRequestError;
  if (status === 401) return Stripe.errors.StripeAuthenticationError;
  if (status === 402) return Stripe.errors.StripeCardError;
  if (status === 403) return Stripe.errors.StripePermissionError;
  return Stripe.errors.StripeAPIError;
}

/** What stripe-node raises when a request is answered with `err`: the SDK's own response handling, over a fetch that answers it. */
async function raisedBySdk(err: StripeError): Promise<Stripe.errors.StripeError> {
  const fetchFn = async () =>
    new Response(JSON.stringify(errorEnvelope(err, "req_walk")), { status: err.status, headers: { "content-type": "application/json", "request-id": "req_walk" } });
  const stripe = new Stripe("sk_test_walk", { httpClient: Stripe.createFetchHttpClient(fetchFn as typeof fetch), maxNetworkRetries: 0 });
  return stripe.customers.list().then(
    () => assert.fail("expected an error"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

const entries = Object.entries(SAMPLES).flatMap(([section, samples]) =>
  Object.entries(samples as Record<string, unknown[]>).map(([id, args]) => {
    const build = (ERROR_TABLE as unknown as Record<string, Record<string, (...a: unknown[]) => StripeError>>)[section]![id]!;
    return { name: `${section}.${id}`, err: build(...args) };
  }),
);

describe("error table: every entry", { timeout: 60_000 }, () => {
  test("has a sample here (the walk covers the whole table)", () => {
    for (const [section, table] of Object.entries(ERROR_TABLE)) {
      assert.deepEqual(Object.keys(SAMPLES[section as keyof Table]).sort(), Object.keys(table).sort(), section);
    }
  });

  test("is Stripe-shaped: status for its type, Stripe's type and code, a message that reads", () => {
    const codes = stripeErrorCodes();
    for (const { name, err } of entries) {
      const b = err.body;
      assert.ok(Object.hasOwn(STATUSES, b.type), `${name}: type ${b.type}`);
      assert.ok(STATUSES[b.type]!.includes(err.status), `${name}: status ${err.status} for ${b.type}`);
      if (b.code !== undefined) {
        assert.ok(codes.has(b.code) || Object.hasOwn(CODES_NOT_IN_STRIPE_LIST, b.code), `${name}: code ${b.code} is not one of Stripe's`);
        assert.equal(b.doc_url, `https://stripe.com/docs/error-codes/${b.code.replace(/_/g, "-")}`, `${name}: doc_url`);
      } else assert.equal(b.doc_url, undefined, `${name}: no doc_url without a code`);
      if (b.decline_code !== undefined) assert.equal(b.type, "card_error", `${name}: a decline code on a card error only`);
      assert.ok(b.message.length > 0, `${name}: empty message`);
      assert.doesNotMatch(b.message, /undefined|\[object Object\]|NaN/, `${name}: ${b.message}`);
      assert.equal(err.message, b.message, `${name}: the thrown error carries the message`);
      if (b.param !== undefined) assert.ok(b.param.length > 0, `${name}: empty param`);
      for (const [k, v] of Object.entries(b)) assert.notEqual(v, undefined, `${name}: ${k} is present but undefined (absent fields are omitted)`);
    }
  });

  test("reaches users through stripe-node as the class they would catch, with its fields", async () => {
    for (const { name, err } of entries) {
      const e = await raisedBySdk(err);
      const want = expectedClass(err.status, err.body.type, err.body.code);
      assert.ok(e instanceof want, `${name}: stripe-node raised ${e.constructor.name}, expected ${want.name}`);
      assert.deepEqual([e.statusCode, e.rawType, e.code, e.param, e.message], [err.status, err.body.type, err.body.code, err.body.param, err.body.message], name);
      if (err.body.type === "card_error") assert.ok(e instanceof Stripe.errors.StripeCardError, `${name}: a card error is a StripeCardError`);
      if (err.body.type === "api_error") assert.ok(e instanceof Stripe.errors.StripeAPIError, `${name}: an api_error is a StripeAPIError`);
    }
  });
});
