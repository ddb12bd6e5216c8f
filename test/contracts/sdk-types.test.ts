/**
 * The fields the contract tests read, checked against each stripe-node
 * major's own types: what the major declares compiles, and what it no longer
 * declares is an error (`@ts-expect-error`). Each major is compiled alone, as
 * its users install it under the name `stripe`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const modules = fileURLToPath(new URL("../../node_modules/", import.meta.url));

const PRE_2022_11_15 = ["pi.charges satisfies Stripe.ApiList<Stripe.Charge>;", "ch.refunds satisfies Stripe.ApiList<Stripe.Refund>;", "// @ts-expect-error latest_charge came with 2022-11-15\npi.latest_charge;"];
const FROM_2022_11_15 = ["pi.latest_charge satisfies string | Stripe.Charge | null | undefined;", "// @ts-expect-error charges left with 2022-11-15\npi.charges;"];
const PRE_BASIL = [
  "sub.current_period_end satisfies number;",
  "sub.current_period_start satisfies number;",
  "inv.paid satisfies boolean;",
  "inv.payment_intent satisfies string | Stripe.PaymentIntent | null;",
  "inv.charge satisfies string | Stripe.Charge | null;",
  "inv.subscription satisfies string | Stripe.Subscription | null;",
];
const FROM_BASIL = [
  "item.current_period_end satisfies number;",
  "// @ts-expect-error the period moved to the items\nsub.current_period_end;",
  "// @ts-expect-error paid left with basil\ninv.paid;",
  "// @ts-expect-error payment_intent left with basil\ninv.payment_intent;",
  "// @ts-expect-error invoice left the PaymentIntent with basil\npi.invoice;",
  "inv.payments satisfies Stripe.ApiList<Stripe.InvoicePayment> | undefined;",
];

/** Each major: where its types are, and the lines that must compile. */
const MAJORS: ReadonlyArray<{ name: string; types: string; lines: readonly string[] }> = [
  { name: "stripe@8 (2020-08-27)", types: "stripe-v8/types/2020-08-27/index.d.ts", lines: [...PRE_2022_11_15, ...PRE_BASIL] },
  { name: "stripe@12 (2022-11-15)", types: "stripe-v12/types/index.d.ts", lines: [...FROM_2022_11_15, ...PRE_BASIL, "pi.invoice satisfies string | Stripe.Invoice | null;"] },
  { name: "stripe@14 (2023-10-16)", types: "stripe-v14/types/index.d.ts", lines: [...FROM_2022_11_15, ...PRE_BASIL, "pi.invoice satisfies string | Stripe.Invoice | null;"] },
  { name: "stripe@18.0 (2025-03-31.basil)", types: "stripe-v18/types/index.d.ts", lines: [...FROM_2022_11_15, ...FROM_BASIL] },
  { name: "stripe (today's)", types: "stripe", lines: [...FROM_2022_11_15, ...FROM_BASIL] },
];

const HEADER = `import Stripe from "stripe";
declare const pi: Stripe.PaymentIntent;
declare const ch: Stripe.Charge;
declare const sub: Stripe.Subscription;
declare const item: Stripe.SubscriptionItem;
declare const inv: Stripe.Invoice;
`;

describe("contract fields against each major's types", { timeout: 120_000 }, () => {
  for (const major of MAJORS) {
    test(major.name, (t) => {
      const dir = mkdtempSync(join(tmpdir(), "pt-sdk-types-"));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, "fields.ts");
      writeFileSync(file, `${HEADER}${major.lines.join("\n")}\nexport {};\n`);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        esModuleInterop: true,
        types: ["node"],
        typeRoots: [join(modules, "@types")],
        baseUrl: modules,
        paths: { stripe: [join(modules, major.types)] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      assert.deepEqual(diagnostics, []);
    });
  }
});
