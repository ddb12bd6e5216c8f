/**
 * @module payouts/destinations
 * Where payouts go, and which of them fail: Stripe's test bank accounts.
 * paper-tiger has no external accounts, so a payout's `destination` is one of
 * Stripe's test bank account tokens (`btok_us_verified` and its failing
 * siblings), which stand for the test account numbers of Stripe's Connect
 * testing guide (routing 110000000); the payout names the bank account
 * (`ba_...`) the token became, and later payouts may name that id. Without
 * a destination a payout goes to the account's default bank account, which
 * succeeds. Pure data: the failure a payout to each one ends in, with
 * Stripe's description of the failure code (its payout object reference).
 */

/** The payout failure codes the test accounts produce. */
export type PayoutFailureCode = "no_account" | "account_closed" | "insufficient_funds" | "debit_not_authorized" | "invalid_currency";

/** One of Stripe's test bank accounts: its account number and the failure a payout to it ends in (`null`: it is paid). */
export interface TestBankAccount {
  readonly accountNumber: string;
  readonly failure: PayoutFailureCode | null;
}

/** Stripe's payout test accounts (Connect testing guide: bank numbers, and the `btok_us_verified*` tokens that carry them). */
export const TEST_BANK_ACCOUNTS: Readonly<Record<string, TestBankAccount>> = {
  btok_us_verified: { accountNumber: "000123456789", failure: null },
  btok_us_verified_noAccount: { accountNumber: "000111111116", failure: "no_account" },
  btok_us_verified_accountClosed: { accountNumber: "000111111113", failure: "account_closed" },
  btok_us_verified_insufficientFunds: { accountNumber: "000222222227", failure: "insufficient_funds" },
  btok_us_verified_debitNotAuthorized: { accountNumber: "000333333335", failure: "debit_not_authorized" },
  btok_us_verified_invalidCurrency: { accountNumber: "000444444440", failure: "invalid_currency" },
};

/** The token the default bank account stands for. */
export const DEFAULT_BANK_ACCOUNT = "btok_us_verified";

/** A payout's `failure_message` for each code: Stripe's description of it. */
export const FAILURE_MESSAGES: Readonly<Record<PayoutFailureCode, string>> = {
  no_account: "The bank account details on file are probably incorrect. No bank account could be located with those details.",
  account_closed: "The bank account has been closed.",
  insufficient_funds: "Your Stripe account has insufficient funds to cover the payout.",
  debit_not_authorized: "Debit transactions are not approved on the bank account. (Stripe requires bank accounts to be set up for both credit and debit payouts.)",
  invalid_currency: "The bank was unable to process this payout because of its currency. This is probably because the bank account cannot accept payments in that currency.",
};
