/**
 * @module signature
 * `Stripe-Signature` exactly as Stripe builds it: `t=<unix seconds>` and
 * `v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the endpoint secret as
 * given (`whsec_` included). Verification follows stripe-node: any matching
 * `v1` passes, compared in constant time, within a tolerance on the age.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { randomChars } from "./ids.js";

/** A new endpoint secret: `whsec_` and 32 alphanumerics. */
export function newWebhookSecret(): string {
  return `whsec_${randomChars(32)}`;
}

/** The hex HMAC-SHA256 of `${timestamp}.${payload}`. */
export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
}

/** The `Stripe-Signature` header for a payload. */
export function signatureHeader(payload: string, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)}`;
}

/** Why a signature was refused; the messages are stripe-node's. */
export class SignatureVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureVerificationError";
  }
}

/**
 * Verifies a `Stripe-Signature` header against the raw payload, as
 * `stripe.webhooks.constructEvent` does (tolerance in seconds; 0 disables the
 * age check). Returns the timestamp.
 */
export function verifySignature(payload: string, header: string | undefined, secret: string, toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000)): number {
  if (!payload) throw new SignatureVerificationError("No webhook payload was provided.");
  if (!header) throw new SignatureVerificationError("No stripe-signature header value was provided.");
  if (!secret) throw new SignatureVerificationError("No webhook secret value was provided. It should start with `whsec_`");
  let timestamp = -1;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    // No trimming: stripe-node refuses `t=1, v1=...` (a space after the comma), and so do we.
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === "t") timestamp = Number(value);
    if (key === "v1") signatures.push(value);
  }
  if (!Number.isFinite(timestamp) || timestamp < 0) throw new SignatureVerificationError("Unable to extract timestamp and signatures from header");
  if (signatures.length === 0) throw new SignatureVerificationError("No signatures found with expected scheme");
  const expected = Buffer.from(computeSignature(payload, secret, timestamp), "utf8");
  const ok = signatures.some((s) => {
    const given = Buffer.from(s, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) {
    throw new SignatureVerificationError(
      "No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe?",
    );
  }
  if (toleranceSeconds > 0 && nowSeconds - timestamp > toleranceSeconds) throw new SignatureVerificationError("Timestamp outside the tolerance zone");
  return timestamp;
}
