/**
 * @module amounts
 * Checks on amounts that move money: the currency must be one Stripe
 * accepts, and the amount between the currency's minimum charge and
 * Stripe's eight-digit maximum.
 */
import { isCurrency, minimumChargeAmount } from "../stripe/currencies.js";
import { MAX_AMOUNT, PaymentErrors } from "../kernel/errors/payment.js";

/** Checks a charge amount in a (lower-case, valid) currency; throws Stripe's 400. */
export function checkChargeAmount(amount: number, currency: string, param = "amount"): void {
  const minimum = minimumChargeAmount(currency);
  if (amount < minimum) throw PaymentErrors.amountTooSmall(minimum, currency, param);
  if (amount > MAX_AMOUNT) throw PaymentErrors.amountTooLarge(currency, param);
}

/** Checks a currency and an amount together; returns the lower-cased currency. */
export function checkMoney(amount: number, currency: string): string {
  const code = checkCurrency(currency);
  checkChargeAmount(amount, code);
  return code;
}

/** Checks a currency code and returns it lower-cased. */
export function checkCurrency(currency: string, param = "currency"): string {
  const code = currency.toLowerCase();
  if (!isCurrency(code)) {
    throw PaymentErrors.invalidCurrency(currency, param);
  }
  return code;
}
