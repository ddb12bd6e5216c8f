/**
 * The modules mutation testing covers, each with the source files mutated and
 * the test files that cover them (only those run against its mutants, so a
 * module's run stays short). Add a test file here when it starts covering a
 * module.
 */
export interface MutationModule {
  /** Source files to mutate. */
  readonly mutate: readonly string[];
  /** Test files run against the mutants. */
  readonly tests: readonly string[];
}

export const MUTATION_MODULES = {
  "chaos-coordinator": {
    mutate: ["src/chaos/coordinator.ts"],
    tests: ["test/chaos/coordinator.test.ts", "test/chaos/coordinator-journal.test.ts", "test/chaos/events.test.ts", "test/chaos/api.test.ts", "test/chaos/payment.test.ts", "test/chaos/config.test.ts"],
  },
  "chaos-decisions": {
    mutate: ["src/chaos/api.ts", "src/chaos/overrides.ts", "src/chaos/payment.ts"],
    tests: ["test/chaos/decisions.test.ts", "test/chaos/overrides.test.ts", "test/chaos/api.test.ts", "test/chaos/payment.test.ts", "test/chaos/coordinator.test.ts", "test/chaos/config.test.ts"],
  },
  "chaos-events": {
    mutate: ["src/chaos/events.ts"],
    tests: ["test/chaos/event-queue.test.ts", "test/chaos/events.test.ts", "test/chaos/coordinator.test.ts"],
  },
  "chaos-config": {
    mutate: ["src/chaos/config.ts"],
    // The form-encoded control plane reads each rule's `nullable` and `kind`.
    tests: ["test/chaos/config-rules.test.ts", "test/chaos/config.test.ts", "test/chaos/coordinator.test.ts", "test/server/chaos-form.test.ts"],
  },
  idempotency: {
    mutate: ["src/server/idempotency.ts"],
    tests: ["test/server/idempotency.test.ts"],
  },
  "webhook-signing": {
    mutate: ["src/stripe/signature.ts"],
    tests: ["test/webhooks/signature.test.ts"],
  },
  "webhook-receiver": {
    mutate: ["src/testing/webhook-receiver.ts"],
    tests: ["test/webhooks/signature.test.ts", "test/webhooks/delivery.test.ts"],
  },
  "webhook-delivery": {
    mutate: ["src/webhooks/dispatcher.ts", "src/webhooks/delivery-log.ts", "src/webhooks/work-queue.ts"],
    // The in-process dispatcher tests: the SDK-level delivery tests take ten times as long per run.
    tests: ["test/webhooks/delivery-log.test.ts", "test/webhooks/work-queue.test.ts", "test/webhooks/dispatcher.test.ts", "test/webhooks/dispatcher-bounds.test.ts"],
  },
  store: {
    mutate: ["src/store/memory-store.ts", "src/store/ordered-list.ts"],
    // The store contract only: the SDK-level list tests store thousands of objects per run.
    tests: ["test/store/memory-store.test.ts"],
  },
  params: {
    mutate: ["src/kernel/params/param.ts", "src/kernel/params/metadata.ts"],
    tests: ["test/kernel/params-parser.test.ts", "test/kernel/params.test.ts"],
  },
  "payment-decision": {
    mutate: ["src/payments/decision.ts"],
    tests: ["test/payments/decision.test.ts"],
  },
} as const satisfies Record<string, MutationModule>;

export type MutationModuleName = keyof typeof MUTATION_MODULES;
